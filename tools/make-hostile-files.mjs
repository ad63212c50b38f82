#!/usr/bin/env node
// Writes crafted checkpoints and weight files that cls must refuse (issue #17): weightsManifest paths leaving the
// checkpoint directory, weight files that are symlinks, FIFOs or of the wrong size, trainer states and weight
// specs out of range, .pth files with bombing tensor views, zips and pickles, and broken safetensors. Next to
// them it writes one valid checkpoint (`valid/`), a file outside every checkpoint (`secret.bin`) whose bytes
// must never reach an output, and `cases.json`, one entry per hostile file:
//   { name, kind: 'checkpoint' | 'pretrained', path, names, rule }
// `kind` says how cls loads it (`cls export ckpt_path=<path>` or `model.pretrained=<path>`), `names` is the file
// the one-line error must name, `rule` a regular expression for the rule it breaks.
// Usage: node tools/make-hostile-files.mjs <empty output dir>   (needs the repository's node_modules)
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { SECRET_MARKER } from './hostile-files.mjs';

// ---------------------------------------------------------------------------------------------------------------
// Pickles (protocol 2), written opcode by opcode so that any field can be made hostile.

class Pickle {
  parts = [Buffer.from([0x80, 0x02])];
  op(...bytes) {
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  raw(buffer) {
    this.parts.push(buffer);
    return this;
  }
  int(value) {
    const b = Buffer.alloc(5);
    b[0] = 0x4a; // BININT
    b.writeInt32LE(value, 1);
    return this.raw(b);
  }
  str(text) {
    const utf8 = Buffer.from(text, 'utf8');
    const b = Buffer.alloc(5);
    b[0] = 0x58; // BINUNICODE
    b.writeUInt32LE(utf8.length, 1);
    return this.raw(Buffer.concat([b, utf8]));
  }
  global(module, name) {
    return this.raw(Buffer.from(`c${module}\n${name}\n`, 'latin1'));
  }
  mark() {
    return this.op(0x28);
  }
  tuple() {
    return this.op(0x74);
  }
  ints(values) {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  /** `_rebuild_tensor_v2(storage, offset, shape, stride, False, OrderedDict())` of a FloatStorage. */
  tensor({ key, numel, offset, shape, stride }) {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    this.mark().str('storage').global('torch', 'FloatStorage').str(key).str('cpu').int(numel).tuple();
    this.op(0x51); // BINPERSID
    this.int(offset).ints(shape).ints(stride).op(0x89); // NEWFALSE
    this.global('collections', 'OrderedDict').op(0x29, 0x52); // EMPTY_TUPLE, REDUCE
    return this.tuple().op(0x52); // REDUCE
  }
  bytes() {
    return Buffer.concat([...this.parts, Buffer.from([0x2e])]); // STOP
  }
}

/** A pickled state_dict {key: tensor…}. */
function stateDictPickle(tensors) {
  const p = new Pickle().op(0x7d).mark(); // EMPTY_DICT, MARK
  for (const t of tensors) p.str(t.name).tensor(t);
  return p.op(0x75).bytes(); // SETITEMS
}

// ---------------------------------------------------------------------------------------------------------------
// Zip archives, written header by header so that sizes, names and offsets can lie.

/**
 * entries: { name, data, method?: 0 | 8, size? (declared uncompressed size), at? (index of an earlier entry whose
 * local header and data this central directory entry points at), packed? ({ stored, crc }: data already deflated,
 * to reuse for many entries) }.
 */
function zipArchive(entries) {
  const locals = [];
  const central = [];
  const offsets = [];
  let offset = 0;
  entries.forEach((entry, i) => {
    const name = Buffer.from(entry.name, 'utf8');
    const method = entry.method ?? 0;
    const stored = entry.packed?.stored ?? (method === 8 ? deflateRawSync(entry.data) : entry.data);
    const size = entry.size ?? entry.data.length;
    const crc = entry.packed?.crc ?? crc32(entry.data);
    let at = offset;
    if (entry.at !== undefined) {
      at = offsets[entry.at];
    } else {
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(stored.length, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      locals.push(local, name, stored);
      offset += 30 + name.length + stored.length;
    }
    offsets[i] = at;
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(method, 10);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(stored.length, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(at, 42);
    central.push(header, name);
  });
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A torch.save-shaped zip: `archive/data.pkl` and one storage file per `storages` key. */
function torchZip(pickle, storages = {}) {
  return zipArchive([
    { name: 'archive/data.pkl', data: pickle },
    ...Object.entries(storages).map(([key, data]) => ({ name: `archive/data/${key}`, data })),
  ]);
}

const floats = (values) => Buffer.from(new Float32Array(values).buffer);

// ---------------------------------------------------------------------------------------------------------------
// Safetensors.

function safetensors(header, data = Buffer.alloc(0), declaredLength) {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(declaredLength ?? BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

// ---------------------------------------------------------------------------------------------------------------
// Checkpoint directories.

/** A valid checkpoint of a tiny conv net (8×8×3 → 3 classes): model.json, weights.bin, trainer_state.json. */
async function tinyCheckpoint() {
  await tf.setBackend('cpu');
  const input = tfl.input({ shape: [8, 8, 3] });
  let x = tfl.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: tfl.initializers.heNormal({ seed: 1 }),
    })
    .apply(input);
  x = tfl.layers.activation({ activation: 'relu' }).apply(x);
  x = tfl.layers.globalAveragePooling2d({}).apply(x);
  const logits = tfl.layers
    .dense({ units: 3, kernelInitializer: tfl.initializers.heNormal({ seed: 2 }) })
    .apply(x);
  return checkpointFiles(tfl.model({ inputs: input, outputs: logits }));
}

/** A checkpoint of an 8×8×3 input upsampled 400× (gigabytes of activations) before pooling into 3 classes. */
async function upsamplingCheckpoint() {
  await tf.setBackend('cpu');
  const input = tfl.input({ shape: [8, 8, 3] });
  let x = tfl.layers.upSampling2d({ size: [400, 400] }).apply(input);
  x = tfl.layers.globalAveragePooling2d({}).apply(x);
  const logits = tfl.layers
    .dense({ units: 3, kernelInitializer: tfl.initializers.heNormal({ seed: 2 }) })
    .apply(x);
  return checkpointFiles(tfl.model({ inputs: input, outputs: logits }));
}

/** model.json, weights.bin and trainer_state.json of `model` (which it disposes), as the engine writes them. */
async function checkpointFiles(model) {
  let saved;
  await model.save({
    save: async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  model.dispose();
  const weights = Buffer.from(tf.io.CompositeArrayBuffer.join(saved.weightData));
  const modelJson = {
    modelTopology: saved.modelTopology,
    format: 'layers-model',
    generatedBy: saved.generatedBy,
    convertedBy: null,
    weightsManifest: [{ paths: ['./weights.bin'], weights: saved.weightSpecs }],
  };
  const trainerState = {
    epoch: 0,
    global_step: 0,
    metrics: {},
    classes: ['a', 'b', 'c'],
    model: { arch: 'tiny' },
    image_size: 8,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  };
  return { modelJson, weights, trainerState };
}

function writeCheckpoint(dir, { modelJson, weights, trainerState }) {
  mkdirSync(dir, { recursive: true });
  if (modelJson !== undefined) writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  if (weights !== undefined) writeFileSync(join(dir, 'weights.bin'), weights);
  if (trainerState !== undefined)
    writeFileSync(join(dir, 'trainer_state.json'), JSON.stringify(trainerState));
}

// ---------------------------------------------------------------------------------------------------------------

export async function makeHostileFiles(out) {
  out = resolve(out);
  mkdirSync(out, { recursive: true });
  const cases = [];
  const valid = await tinyCheckpoint();
  const weightBytes = valid.weights.length;
  const secret = join(out, 'secret.bin');
  writeFileSync(secret, Buffer.from(SECRET_MARKER.repeat(weightBytes / 4), 'latin1'));
  writeCheckpoint(join(out, 'valid'), valid);

  const checkpoint = (name, names, rule, edit) => {
    const dir = join(out, 'checkpoints', name);
    const files = structuredClone({ ...valid, weights: undefined });
    files.weights = valid.weights;
    writeCheckpoint(dir, edit(files, dir) ?? files);
    cases.push({ name, kind: 'checkpoint', path: dir, names: join(dir, names), rule });
  };
  const withPaths = (paths) => (files) => {
    files.modelJson.weightsManifest[0].paths = paths;
    delete files.weights;
  };

  checkpoint(
    'manifest-parent-path',
    'model.json',
    'leaves the checkpoint directory',
    withPaths(['../../secret.bin']),
  );
  checkpoint('manifest-absolute-path', 'model.json', 'is an absolute path', withPaths([secret]));
  checkpoint('weights-symlink-outside', 'weights.bin', 'outside the checkpoint directory', (files, dir) => {
    writeCheckpoint(dir, { ...files, weights: undefined });
    symlinkSync(secret, join(dir, 'weights.bin'));
    return { ...files, weights: undefined };
  });
  checkpoint('weights-symlink-dev-zero', 'weights.bin', 'outside the checkpoint directory', (files, dir) => {
    writeCheckpoint(dir, { ...files, weights: undefined });
    symlinkSync('/dev/zero', join(dir, 'weights.bin'));
    return { ...files, weights: undefined };
  });
  checkpoint('weights-fifo', 'weights.bin', 'not a regular file', (files, dir) => {
    writeCheckpoint(dir, { ...files, weights: undefined });
    execFileSync('mkfifo', [join(dir, 'weights.bin')]);
    return { ...files, weights: undefined };
  });
  checkpoint('weights-directory', 'weights.bin', 'not a regular file', (files, dir) => {
    mkdirSync(join(dir, 'weights.bin'), { recursive: true });
    return { ...files, weights: undefined };
  });
  checkpoint('trainer-state-fifo', 'trainer_state.json', 'not a regular file', (files, dir) => {
    writeCheckpoint(dir, { ...files, trainerState: undefined });
    execFileSync('mkfifo', [join(dir, 'trainer_state.json')]);
    return { ...files, trainerState: undefined };
  });
  checkpoint('model-json-symlink-outside', 'model.json', 'outside the checkpoint directory', (files, dir) => {
    writeFileSync(join(out, 'outside-model.json'), JSON.stringify(files.modelJson));
    writeCheckpoint(dir, { ...files, modelJson: undefined });
    symlinkSync(join(out, 'outside-model.json'), join(dir, 'model.json'));
    return { ...files, modelJson: undefined };
  });
  checkpoint('weights-too-long', 'weights.bin', `${weightBytes + 4} bytes, but`, (files) => {
    files.weights = Buffer.concat([files.weights, Buffer.alloc(4)]);
  });
  checkpoint('weights-too-short', 'weights.bin', `${weightBytes - 4} bytes, but`, (files) => {
    files.weights = files.weights.subarray(4);
  });
  checkpoint('manifest-null', 'model.json', 'weightsManifest is not a list', (files) => {
    files.modelJson.weightsManifest = null;
  });
  checkpoint(
    'manifest-null-group',
    'model.json',
    String.raw`weightsManifest\[0\] is not an object`,
    (files) => {
      files.modelJson.weightsManifest = [null];
    },
  );
  checkpoint('manifest-null-paths', 'model.json', 'paths is not a list', (files) => {
    files.modelJson.weightsManifest[0].paths = null;
  });
  checkpoint('manifest-null-spec', 'model.json', 'weight 0 is not described by an object', (files) => {
    files.modelJson.weightsManifest[0].weights[0] = null;
  });
  checkpoint('spec-string-dtype-huge-shape', 'model.json', 'dtype "string"', (files) => {
    files.modelJson.weightsManifest[0].weights[0] = { name: 'x', dtype: 'string', shape: [1e9, 1e9] };
  });
  checkpoint('spec-huge-shape', 'model.json', 'the weights take more than', (files) => {
    files.modelJson.weightsManifest[0].weights[0].shape = [65536, 65536, 65536];
  });
  checkpoint('spec-negative-shape', 'model.json', 'non-negative integers', (files) => {
    files.modelJson.weightsManifest[0].weights[0].shape = [-3, 3, 3, 4];
  });
  checkpoint('spec-fractional-shape', 'model.json', 'non-negative integers', (files) => {
    files.modelJson.weightsManifest[0].weights[0].shape = [1.5, 3, 3, 4];
  });
  checkpoint('model-json-deep', 'model.json', 'nests more than', (files, dir) => {
    writeCheckpoint(dir, { ...files, modelJson: undefined });
    const deepest = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    writeFileSync(join(dir, 'model.json'), `{"modelTopology": {"deep": ${deepest}}, "weightsManifest": []}`);
    return { ...files, modelJson: undefined };
  });
  checkpoint('model-json-not-json', 'model.json', 'not valid JSON', (files, dir) => {
    writeCheckpoint(dir, { ...files, modelJson: undefined });
    writeFileSync(join(dir, 'model.json'), '{"modelTopology": ');
    return { ...files, modelJson: undefined };
  });
  checkpoint('topology-huge-dense', 'model.json', 'more than its weight files hold', (files) => {
    // 4 → 200,000,000 units: tfjs would allocate 3.2 GB for the kernel while building the model.
    const dense = files.modelJson.modelTopology.config.layers.find((layer) => layer.class_name === 'Dense');
    dense.config.units = 200_000_000;
  });
  checkpoint('topology-widened-conv', 'model.json', 'more than its weight files hold', (files) => {
    const conv = files.modelJson.modelTopology.config.layers.find((layer) => layer.class_name === 'Conv2D');
    conv.config.filters = 4_000_000;
  });
  checkpoint('model-input-40000', 'model.json', "the model's input", (files) => {
    const input = files.modelJson.modelTopology.config.layers[0].config;
    input.batch_input_shape = [null, 40000, 40000, 3];
    if (input.batch_shape !== undefined) input.batch_shape = [null, 40000, 40000, 3];
  });
  checkpoint(
    'state-image-size-40000',
    'trainer_state.json',
    'image_size 40000 is not an integer from',
    (files) => {
      files.trainerState.image_size = 40000;
    },
  );
  checkpoint('state-image-size-string', 'trainer_state.json', 'image_size "8" is not an integer', (files) => {
    files.trainerState.image_size = '8';
  });
  const upsampling = await upsamplingCheckpoint();
  checkpoint(
    'topology-upsampling-bomb',
    'model.json',
    String.raw`outputs \[null, 3200, 3200, 3\], more than the 49152 values`,
    (files) => ({
      ...files,
      modelJson: upsampling.modelJson,
      weights: upsampling.weights,
    }),
  );
  checkpoint('state-classes-null', 'trainer_state.json', 'classes is not a list', (files) => {
    files.trainerState.classes = null;
  });
  checkpoint('state-classes-objects', 'trainer_state.json', 'classes is not a list', (files) => {
    files.trainerState.classes = [{}, {}, {}];
  });
  checkpoint('state-std-zero', 'trainer_state.json', 'std is not a list of 3 positive numbers', (files) => {
    files.trainerState.std = [0, 0, 0];
  });
  checkpoint('state-null', 'trainer_state.json', 'not a JSON object', (files) => {
    files.trainerState = null;
  });
  checkpoint('state-resume-string-tensor', 'trainer_state.json', 'dtype "string"', (files) => {
    files.trainerState.resume = {
      format: 1,
      epoch: 0,
      batches_done: 0,
      epoch_totals: {},
      epoch_row: {},
      csv_rows: [],
      callbacks: {},
      tensors: [{ name: 'x', dtype: 'string', shape: [1e9, 1e9] }],
    };
  });

  const pretrained = (name, bytes, rule) => {
    const path = join(out, 'weights', name);
    mkdirSync(join(out, 'weights'), { recursive: true });
    if (bytes !== undefined) writeFileSync(path, bytes);
    cases.push({ name, kind: 'pretrained', path, names: path, rule });
    return path;
  };
  const one = { key: '0', numel: 1, offset: 0 };
  pretrained(
    'stride-0-65536x65536.pth',
    torchZip(stateDictPickle([{ name: 'fc.weight', ...one, shape: [65536, 65536], stride: [0, 0] }]), {
      0: floats([1]),
    }),
    'more than the 1 of its storage',
  );
  const four = { key: '0', numel: 4, offset: 0 };
  const fourFloats = { 0: floats([1, 2, 3, 4]) };
  pretrained(
    'negative-stride.pth',
    torchZip(stateDictPickle([{ name: 'fc.weight', ...four, shape: [2, 2], stride: [-2, 1] }]), fourFloats),
    'strides .* are not non-negative integers',
  );
  pretrained(
    'negative-offset.pth',
    torchZip(
      stateDictPickle([{ name: 'fc.weight', ...four, offset: -4, shape: [4], stride: [1] }]),
      fourFloats,
    ),
    'storage offset -4 is not a non-negative integer',
  );
  pretrained(
    'negative-shape.pth',
    torchZip(stateDictPickle([{ name: 'fc.weight', ...four, shape: [-1, 4], stride: [4, 1] }]), fourFloats),
    'shape .* is not of non-negative integers',
  );
  pretrained(
    'past-storage.pth',
    torchZip(stateDictPickle([{ name: 'fc.weight', ...four, shape: [8], stride: [1] }]), fourFloats),
    'past the 4 of its storage',
  );
  pretrained(
    'storage-numel-lies.pth',
    torchZip(
      stateDictPickle([{ name: 'fc.weight', key: '0', numel: 1e9, offset: 0, shape: [4], stride: [1] }]),
      fourFloats,
    ),
    'declares 1000000000 values but holds 4',
  );
  const tinyPickle = stateDictPickle([{ name: 'fc.weight', ...four, shape: [4], stride: [1] }]);
  pretrained(
    'zip-duplicate-entries.pth',
    zipArchive([
      { name: 'archive/data.pkl', data: tinyPickle },
      { name: 'archive/data/0', data: floats([1, 2, 3, 4]) },
      { name: 'archive/data/0', data: floats([5, 6, 7, 8]) },
    ]),
    'appears twice',
  );
  pretrained(
    'zip-overlapping-entries.pth',
    zipArchive([
      { name: 'archive/data.pkl', data: tinyPickle },
      { name: 'archive/data/0', data: floats([1, 2, 3, 4]) },
      { name: 'archive/data/1', data: floats([1, 2, 3, 4]), at: 1 },
    ]),
    'overlap',
  );
  const zeros = Buffer.alloc(64 * 1024 ** 2);
  pretrained(
    'zip-deflate-bomb-lying-size.pth',
    zipArchive([
      { name: 'archive/data.pkl', data: tinyPickle },
      { name: 'archive/data/0', data: zeros, method: 8, size: 16 },
    ]),
    'does not inflate to its declared 16 bytes',
  );
  // 400 entries of 8 MB of zeros each, honestly declared: 3.2 GB from a few MB.
  const eightMegabytes = zeros.subarray(0, 8 * 1024 ** 2);
  const packed = { stored: deflateRawSync(eightMegabytes), crc: crc32(eightMegabytes) };
  pretrained(
    'zip-deflate-bomb-many-entries.pth',
    zipArchive([
      { name: 'archive/data.pkl', data: tinyPickle },
      ...Array.from({ length: 400 }, (_, i) => ({
        name: `archive/data/${i}`,
        data: eightMegabytes,
        method: 8,
        packed,
      })),
    ]),
    String.raw`unpacks to \d{10} bytes, more than \d+ \(8 times its size`,
  );
  pretrained(
    'pickle-binstring-negative-length.pth',
    torchZip(
      new Pickle()
        .op(0x7d)
        .raw(Buffer.from([0x54, 0xfb, 0xff, 0xff, 0xff]))
        .bytes(),
    ), // BINSTRING -5
    'a length of -5 at byte .* is negative',
  );
  pretrained(
    'pickle-frame-past-end.pth',
    torchZip(Buffer.from([0x80, 0x04, 0x95, 0x01])),
    'the pickle ends unexpectedly',
  );
  pretrained(
    'pickle-cyclic.pth',
    // d = {}; d['model'] = d
    torchZip(new Pickle().op(0x7d, 0x71, 0x00).str('model').op(0x68, 0x00, 0x73).bytes()),
    'wrapped more than 8 levels deep',
  );
  const deep = new Pickle();
  for (let i = 0; i < 200_000; i++) deep.op(0x7d).str('model');
  deep.op(0x7d);
  for (let i = 0; i < 200_000; i++) deep.op(0x73); // SETITEM
  pretrained('pickle-deep.pth', torchZip(deep.bytes()), 'wrapped more than 8 levels deep');
  const deepLists = new Pickle();
  for (let i = 0; i < 500_000; i++) deepLists.op(0x5d); // EMPTY_LIST
  for (let i = 0; i < 499_999; i++) deepLists.op(0x61); // APPEND
  pretrained('pickle-deep-lists.pth', torchZip(deepLists.bytes()), 'does not hold a state_dict');
  const many = new Pickle().op(0x5d, 0x28);
  for (let i = 0; i < 2_000_000; i++) many.op(0x5d);
  pretrained('pickle-many-values.pth', torchZip(many.op(0x65).bytes()), 'the pickle creates more than');
  pretrained(
    'pickle-forbidden-global.pth',
    torchZip(new Pickle().global('os', 'system').str('echo pwned').op(0x85, 0x52).bytes()),
    'pickle global os.system is not allowed',
  );

  const st = (name, header, data, rule, declaredLength) =>
    pretrained(`${name}.safetensors`, safetensors(header, data, declaredLength), rule);
  const data16 = floats([1, 2, 3, 4]);
  st(
    'offsets-reversed',
    { w: { dtype: 'F32', shape: [0], data_offsets: [16, 0] } },
    data16,
    'byte range outside',
  );
  st(
    'offsets-past-end',
    { w: { dtype: 'F32', shape: [65536, 65536], data_offsets: [0, 2 ** 34] } },
    data16,
    'byte range outside',
  );
  st(
    'offsets-negative',
    { w: { dtype: 'F32', shape: [4], data_offsets: [-16, 0] } },
    data16,
    'two non-negative integers',
  );
  st(
    'offsets-overlap',
    {
      a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
      b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
    },
    data16,
    'overlap',
  );
  st(
    'shape-mismatch',
    { w: { dtype: 'F32', shape: [65536, 65536], data_offsets: [0, 16] } },
    data16,
    'does not match its shape',
  );
  st(
    'shape-negative',
    { w: { dtype: 'F32', shape: [-4, -1], data_offsets: [0, 16] } },
    data16,
    'non-negative integers',
  );
  st('entry-null', { w: null }, data16, 'not described by an object');
  st('header-null', null, data16, 'the header is not a JSON object');
  st(
    'dtype-unknown',
    { w: { dtype: 'STRING', shape: [4], data_offsets: [0, 16] } },
    data16,
    'unsupported dtype STRING',
  );
  st('header-length-huge', {}, data16, 'the header length exceeds the file', 2n ** 64n - 1n);

  const fifo = join(out, 'weights', 'fifo.pth');
  execFileSync('mkfifo', [fifo]);
  cases.push({
    name: 'fifo.pth',
    kind: 'pretrained',
    path: fifo,
    names: fifo,
    rule: 'must be a regular file',
  });
  const zero = join(out, 'weights', 'dev-zero.pth');
  symlinkSync('/dev/zero', zero);
  cases.push({
    name: 'dev-zero.pth',
    kind: 'pretrained',
    path: zero,
    names: zero,
    rule: 'must be a regular file',
  });

  writeFileSync(
    join(out, 'cases.json'),
    `${JSON.stringify({ secret, valid: join(out, 'valid'), cases }, null, 2)}\n`,
  );
  return cases;
}

if (
  process.argv[1] !== undefined &&
  resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)
) {
  const out = process.argv[2];
  if (out === undefined) {
    console.error('usage: node tools/make-hostile-files.mjs <output dir>');
    process.exit(2);
  }
  const cases = await makeHostileFiles(out);
  console.log(`wrote ${cases.length} hostile files to ${resolve(out)}`);
}
