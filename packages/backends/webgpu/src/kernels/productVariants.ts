import { TiledMatrixProduct, type MatrixProductShader } from './tiledMatrixProduct.js';

/**
 * The products one kernel needs, one per variant of its shader (precision, bias, activation, layout), each made
 * on first use.
 */
export class ProductVariants<Variant extends object> {
  readonly #made = new Map<string, TiledMatrixProduct>();

  constructor(readonly shader: (variant: Variant) => MatrixProductShader) {}

  get(variant: Variant): TiledMatrixProduct {
    const key = JSON.stringify(variant);
    let product = this.#made.get(key);
    if (product === undefined) {
      product = new TiledMatrixProduct(this.shader(variant));
      this.#made.set(key, product);
    }
    return product;
  }
}
