export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const TRAINER_STATE_JSON = 'trainer_state.json';
/** Named tensors for resuming (optimizer moments, live weights, callback buffers), in tfjs's weights encoding. */
export const TRAINING_STATE_BIN = 'training_state.bin';
