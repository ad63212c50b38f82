export { fit } from './training/fit.js';
export type { FitOptions, RunResults } from './training/fit.js';
export { CLASSES_JSON, classesJson } from './training/classesJson.js';
export { crossEntropy } from './training/crossEntropy.js';
export type { CrossEntropyOptions } from './training/crossEntropy.js';
export { resolveClassWeights } from './training/classWeights.js';
export type { ClassWeightsSetting } from './training/classWeights.js';
export { selectBackend } from './backends/selectBackend.js';
export type { SelectedBackend } from './backends/selectBackend.js';
export { enginePlugins } from './enginePlugins.js';
export { Sgd, sgdPlugin } from './optimizers/sgd.js';
export type { SgdOptions } from './optimizers/sgd.js';
export { Adam, adamPlugin, adamwPlugin } from './optimizers/adam.js';
export type { AdamOptions } from './optimizers/adam.js';
export { CosineScheduler, cosinePlugin } from './schedulers/cosine.js';
export type { CosineOptions } from './schedulers/cosine.js';
export { ConstantScheduler, constantPlugin } from './schedulers/constant.js';
export { StepDecayScheduler, multistepPlugin, stepPlugin } from './schedulers/stepDecay.js';
export { OneCycleScheduler, oneCyclePlugin } from './schedulers/oneCycle.js';
export type { AnnealStrategy, OneCycleOptions } from './schedulers/oneCycle.js';
export { ReduceOnPlateauScheduler, reduceOnPlateauPlugin } from './schedulers/reduceOnPlateau.js';
export type { PlateauMode, ReduceOnPlateauOptions, ThresholdMode } from './schedulers/reduceOnPlateau.js';
export { saveCheckpoint } from './checkpoint/saveCheckpoint.js';
export { linkCheckpoint } from './checkpoint/linkCheckpoint.js';
export type { CheckpointExtras, TrainerState } from './checkpoint/saveCheckpoint.js';
export type { ResumeState } from './checkpoint/resumeState.js';
export {
  loadCheckpointModel,
  loadCheckpointWeights,
  loadResumeState,
  loadTrainerState,
} from './checkpoint/loadCheckpoint.js';
export type { LoadedResumeState } from './checkpoint/loadCheckpoint.js';
export { resolveCheckpointDir } from './checkpoint/checkpointSiblings.js';
export {
  MODEL_JSON,
  TRAINER_STATE_JSON,
  TRAINING_STATE_BIN,
  WEIGHTS_BIN,
} from './checkpoint/checkpointFileNames.js';
export { resolveCkptPath } from './training/resumeRun.js';
export type { CkptPathOptions } from './training/resumeRun.js';
export { limitBatches } from './training/batchLimit.js';
export {
  applyModel,
  computeGradients,
  evaluateBatch,
  readTrainOutcome,
  trainableParameters,
} from './training/steps.js';
export { countTopK, linearHead, linearHeadPlugin } from './heads/linearHead.js';
export type { BatchGradients, BatchOutcome, EvaluatedBatch, TrainLoss } from './training/steps.js';
export { OptimizerStepper } from './training/optimizerStepper.js';
export type { OptimizerStepperSettings } from './training/optimizerStepper.js';
export { GradScaler } from './training/gradScaler.js';
export type { GradScalerOptions, GradScalerState, UnscaledGradients } from './training/gradScaler.js';
export { ENGINE_PACKAGE } from './enginePackage.js';
export { ConfusionMatrix } from './metrics/confusionMatrix.js';
export type { ClassMetrics } from './metrics/confusionMatrix.js';
export { clipGradientsByNorm, clipGradientsByValue } from './training/gradientClipping.js';
export type { GradientClipAlgorithm } from './training/gradientClipping.js';
export { evaluateSplit, splitMetrics } from './evaluation/evaluateSplit.js';
export { SampleOutcomes } from './evaluation/sampleOutcomes.js';
export type { EvaluateSplitOptions, SplitEvaluation } from './evaluation/evaluateSplit.js';
export { testCheckpoint } from './evaluation/testCheckpoint.js';
export type { CheckpointTestResults, TestCheckpointOptions } from './evaluation/testCheckpoint.js';
export { predictImages } from './inference/predictImages.js';
export type { ClassScore, ImageBatch, PredictImagesOptions } from './inference/predictImages.js';
