import { ClsError } from '@nextplay/cls-core';
import { WEIGHTS_FILE_LIMITS } from './weightsFileLimits.js';

/** A storage referenced by a `torch.save` pickle through its persistent id: `archive/data/<key>`. */
export interface TorchStorageRef {
  readonly kind: 'storage';
  /** torch storage class name, e.g. `FloatStorage`. */
  readonly storageType: string;
  readonly key: string;
  readonly numel: number;
}

/** A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage. */
export interface TorchTensorRef {
  readonly kind: 'tensor';
  readonly storage: TorchStorageRef;
  readonly offset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

/** A pickled Python global, allowed only when it is one of `ALLOWED_GLOBALS`. */
interface PickleGlobal {
  readonly kind: 'global';
  readonly name: string;
}

const MARK = Symbol('mark');

const STORAGE_TYPES = new Set([
  'FloatStorage',
  'DoubleStorage',
  'HalfStorage',
  'BFloat16Storage',
  'LongStorage',
  'IntStorage',
  'ShortStorage',
  'CharStorage',
  'ByteStorage',
  'BoolStorage',
]);

/** The only globals a `state_dict` needs. Anything else (`os.system`, `builtins.eval`…) is refused. */
const ALLOWED_GLOBALS = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  ...[...STORAGE_TYPES].map((type) => `torch.${type}`),
]);

/**
 * Reads the pickle of a `torch.save` checkpoint without executing anything: a small stack machine that knows the
 * opcodes Python's pickler emits for dicts, tuples, lists, strings and numbers, and evaluates only the globals in
 * `ALLOWED_GLOBALS` (dicts, tensor rebuilds, storage classes). Dicts come back as `Map`s, tuples and lists as
 * arrays, tensors as `TorchTensorRef`. `source` names the file in errors.
 *
 * Made for pickles from strangers: every length is checked against the bytes left (the read position only moves
 * forward), the pickle's size and the values it creates are bounded (`WEIGHTS_FILE_LIMITS`), and nothing walks
 * the resulting objects recursively, so cyclic or deeply nested pickles end in a `ClsError`, not a stack overflow.
 */
export function unpickleTorch(bytes: Uint8Array, source: string): unknown {
  if (bytes.length > WEIGHTS_FILE_LIMITS.maxPickleBytes) {
    throw new ClsError(
      'CHECKPOINT_INVALID',
      `refusing to load ${source}: its pickle has ${bytes.length} bytes, more than ${WEIGHTS_FILE_LIMITS.maxPickleBytes}`,
    );
  }
  return new SafeUnpickler(bytes, source).load();
}

class SafeUnpickler {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #source: string;
  #pos = 0;
  #created = 0;
  readonly #stack: unknown[] = [];
  readonly #memo = new Map<number, unknown>();
  readonly #decoder = new TextDecoder();

  constructor(bytes: Uint8Array, source: string) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#source = source;
  }

  load(): unknown {
    for (;;) {
      const op = this.#u8();
      switch (op) {
        case 0x80: // PROTO
          this.#u8();
          break;
        case 0x95: // FRAME: an 8-byte length of the frame, which is read as part of the stream.
          this.#advance(8);
          break;
        case 0x2e: // STOP
          return this.#pop();
        case 0x28: // MARK
          this.#push(MARK);
          break;
        case 0x7d: // EMPTY_DICT
          this.#push(new Map());
          break;
        case 0x5d: // EMPTY_LIST
          this.#push([]);
          break;
        case 0x29: // EMPTY_TUPLE
          this.#push([]);
          break;
        case 0x4e: // NONE
          this.#push(null);
          break;
        case 0x88: // NEWTRUE
          this.#push(true);
          break;
        case 0x89: // NEWFALSE
          this.#push(false);
          break;
        case 0x4b: // BININT1
          this.#push(this.#u8());
          break;
        case 0x4d: // BININT2
          this.#push(this.#view.getUint16(this.#advance(2), true));
          break;
        case 0x4a: // BININT
          this.#push(this.#view.getInt32(this.#advance(4), true));
          break;
        case 0x8a: // LONG1
          this.#push(this.#long(this.#u8()));
          break;
        case 0x47: // BINFLOAT
          this.#push(this.#view.getFloat64(this.#advance(8), false));
          break;
        case 0x58: // BINUNICODE
          this.#push(this.#text(this.#view.getUint32(this.#advance(4), true)));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.#push(this.#text(this.#u8()));
          break;
        case 0x54: // BINSTRING
          this.#push(this.#text(this.#view.getInt32(this.#advance(4), true)));
          break;
        case 0x55: // SHORT_BINSTRING
          this.#push(this.#text(this.#u8()));
          break;
        case 0x71: // BINPUT
          this.#memo.set(this.#u8(), this.#top());
          break;
        case 0x72: // LONG_BINPUT
          this.#memo.set(this.#view.getUint32(this.#advance(4), true), this.#top());
          break;
        case 0x94: // MEMOIZE
          this.#memo.set(this.#memo.size, this.#top());
          break;
        case 0x68: // BINGET
          this.#push(this.#memoGet(this.#u8()));
          break;
        case 0x6a: // LONG_BINGET
          this.#push(this.#memoGet(this.#view.getUint32(this.#advance(4), true)));
          break;
        case 0x74: // TUPLE
          this.#push(this.#popMark());
          break;
        case 0x85: // TUPLE1
          this.#push(this.#popN(1));
          break;
        case 0x86: // TUPLE2
          this.#push(this.#popN(2));
          break;
        case 0x87: // TUPLE3
          this.#push(this.#popN(3));
          break;
        case 0x61: {
          // APPEND
          const value = this.#pop();
          this.#list(this.#top()).push(value);
          break;
        }
        case 0x65: {
          // APPENDS
          const values = this.#popMark();
          const list = this.#list(this.#top());
          for (const value of values) list.push(value);
          break;
        }
        case 0x73: {
          // SETITEM
          const value = this.#pop();
          const key = this.#pop();
          this.#dict(this.#top()).set(key, value);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.#popMark();
          const dict = this.#dict(this.#top());
          for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
          break;
        }
        case 0x63: {
          // GLOBAL: "module\nname\n"
          const module = this.#line();
          this.#push(this.#global(module, this.#line()));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.#pop();
          const module = this.#pop();
          if (typeof module !== 'string' || typeof name !== 'string') {
            this.#fail('STACK_GLOBAL of something that is not a module and a name');
          }
          this.#push(this.#global(module, name));
          break;
        }
        case 0x51: // BINPERSID
          this.#push(this.#persistentLoad(this.#pop()));
          break;
        case 0x52: {
          // REDUCE
          const args = this.#pop();
          const callable = this.#pop();
          this.#push(this.#call(callable, args));
          break;
        }
        case 0x62: // BUILD: the state of an OrderedDict (`_metadata` of a state_dict) is not needed.
          this.#pop();
          break;
        default:
          this.#fail(`unsupported pickle opcode 0x${op.toString(16)} at byte ${this.#pos - 1}`);
      }
    }
  }

  #global(module: string, name: string): PickleGlobal {
    const qualified = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.has(qualified)) {
      this.#fail(`pickle global ${qualified} is not allowed (only tensors and dicts of a state_dict are)`);
    }
    return { kind: 'global', name: qualified };
  }

  #call(callable: unknown, args: unknown): unknown {
    if (!isGlobal(callable) || !Array.isArray(args)) this.#fail('REDUCE on something that is not a global');
    switch (callable.name) {
      case 'collections.OrderedDict':
        return new Map();
      case 'torch._utils._rebuild_tensor_v2': {
        const [storage, offset, shape, stride] = args as unknown[];
        if (!isStorage(storage) || typeof offset !== 'number' || !isNumbers(shape) || !isNumbers(stride)) {
          this.#fail('malformed _rebuild_tensor_v2 arguments');
        }
        return { kind: 'tensor', storage, offset, shape, stride } satisfies TorchTensorRef;
      }
      case 'torch._utils._rebuild_parameter': {
        const tensor: unknown = args[0];
        if (!isTensor(tensor)) this.#fail('malformed _rebuild_parameter arguments');
        return tensor;
      }
      default:
        return this.#fail(`${callable.name} cannot be called`);
    }
  }

  #persistentLoad(pid: unknown): TorchStorageRef {
    if (!Array.isArray(pid) || pid[0] !== 'storage') this.#fail('unsupported persistent id');
    const [, type, key, , numel] = pid as unknown[];
    const storageType = isGlobal(type) ? type.name.replace(/^torch\./, '') : '';
    if (!STORAGE_TYPES.has(storageType) || typeof key !== 'string' || typeof numel !== 'number') {
      this.#fail('malformed storage persistent id');
    }
    return { kind: 'storage', storageType, key, numel };
  }

  #fail(reason: string): never {
    throw new ClsError('CHECKPOINT_INVALID', `refusing to load ${this.#source}: ${reason}`);
  }

  /** Moves past `count` bytes and returns where they start; a negative or too long count is refused. */
  #advance(count: number): number {
    const at = this.#pos;
    if (!Number.isSafeInteger(count) || count < 0) {
      this.#fail(`a length of ${count} at byte ${at} is negative`);
    }
    if (count > this.#bytes.length - at) {
      this.#fail(`the pickle ends unexpectedly (a length of ${count} at byte ${at} runs past its end)`);
    }
    this.#pos += count;
    return at;
  }

  #push(value: unknown): void {
    this.#created += 1;
    if (this.#created > WEIGHTS_FILE_LIMITS.maxPickleValues) {
      this.#fail(`the pickle creates more than ${WEIGHTS_FILE_LIMITS.maxPickleValues} values`);
    }
    this.#stack.push(value);
  }

  #u8(): number {
    return this.#bytes[this.#advance(1)] ?? 0;
  }

  #text(length: number): string {
    const at = this.#advance(length);
    return this.#decoder.decode(this.#bytes.subarray(at, at + length));
  }

  #line(): string {
    const end = this.#bytes.indexOf(0x0a, this.#pos);
    if (end < 0) this.#fail('the pickle ends unexpectedly');
    const text = this.#decoder.decode(this.#bytes.subarray(this.#pos, end));
    this.#pos = end + 1;
    return text;
  }

  /** Little-endian two's-complement integer of `length` bytes (storage sizes stay far below 2^53). */
  #long(length: number): number {
    const at = this.#advance(length);
    let value = 0;
    for (let i = length - 1; i >= 0; i--) value = value * 256 + (this.#bytes[at + i] ?? 0);
    if (length > 0 && (this.#bytes[at + length - 1] ?? 0) >= 0x80) value -= 2 ** (8 * length);
    return value;
  }

  #memoGet(index: number): unknown {
    if (!this.#memo.has(index)) this.#fail(`memo entry ${index} is missing`);
    return this.#memo.get(index);
  }

  #top(): unknown {
    if (this.#stack.length === 0) this.#fail('the pickle stack is empty');
    return this.#stack[this.#stack.length - 1];
  }

  #pop(): unknown {
    const value = this.#top();
    this.#stack.pop();
    if (value === MARK) this.#fail('unexpected MARK');
    return value;
  }

  #popN(count: number): unknown[] {
    if (this.#stack.length < count) this.#fail('the pickle stack is empty');
    return this.#stack.splice(this.#stack.length - count, count);
  }

  #popMark(): unknown[] {
    const mark = this.#stack.lastIndexOf(MARK);
    if (mark < 0) this.#fail('MARK is missing');
    const values = this.#stack.splice(mark);
    return values.slice(1);
  }

  #list(value: unknown): unknown[] {
    if (!Array.isArray(value)) this.#fail('APPEND to something that is not a list');
    return value;
  }

  #dict(value: unknown): Map<unknown, unknown> {
    if (!(value instanceof Map)) this.#fail('SETITEM on something that is not a dict');
    return value;
  }
}

function isGlobal(value: unknown): value is PickleGlobal {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'global';
}

function isStorage(value: unknown): value is TorchStorageRef {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'storage';
}

export function isTensor(value: unknown): value is TorchTensorRef {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tensor';
}

function isNumbers(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}
