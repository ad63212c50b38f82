import { TiledMatrixProduct, type MatrixProductShader, type TileSize } from './tiledMatrixProduct.js';

/**
 * The products one kernel needs, one per variant of its shader (precision, bias, activation, layout) and tile size,
 * each made on first use.
 */
export class ProductVariants<Variant extends object> {
  readonly #made = new Map<string, TiledMatrixProduct>();

  constructor(readonly shader: (variant: Variant) => MatrixProductShader) {}

  get(variant: Variant, tile: TileSize): TiledMatrixProduct {
    const key = JSON.stringify([variant, tile]);
    let product = this.#made.get(key);
    if (product === undefined) {
      product = new TiledMatrixProduct(this.shader(variant), tile);
      this.#made.set(key, product);
    }
    return product;
  }
}
