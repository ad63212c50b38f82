import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
const t0=Date.now();
await tf.setBackend('wasm'); await tf.ready();
console.log(tf.getBackend(), Date.now()-t0, tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'));
console.log(!!tf.getKernel('Conv2DBackpropFilter','wasm'), !!tf.getKernel('Conv2DBackpropInput','wasm'));
const b = tf.backend(); console.log(Object.keys(b), b.numDataIds());
