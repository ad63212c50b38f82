export { ClsError, isClsError, pluginError, suggest } from './errors.js';
export type { ClsErrorCode, ClsErrorOptions } from './errors.js';
export { createLogger } from './logger.js';
export type { Logger, LoggerOptions } from './logger.js';
export { createRandom, deriveSeed, shuffleInPlace } from './random.js';
export { numberFromJson, numberToJson } from './jsonNumber.js';
export { MONITOR_MODES, isBetter, isMonitorMode, worstScore, type MonitorMode } from './monitorMode.js';
export * from './configSchema.js';
export { formatImageSize, imageSizeSetting, toImageSize } from './imageSize.js';
export type { ImageSize, ImageSizeSetting } from './imageSize.js';
export { CALLBACK_HOOK_NAMES } from './callback.js';
export type {
  Callback,
  CallbackContext,
  CallbackFailure,
  CallbackHookName,
  CallbackHooks,
  JsonValue,
  Stage,
  TrainBatchInfo,
  TrainerContext,
} from './callback.js';
export type {
  Batch,
  BatchOptions,
  DataModule,
  DataModuleInfo,
  DataSplit,
  DataSplitInfo,
  DatasetContext,
  DatasetOptions,
  BatchTransform,
  ImageTransform,
  LabeledFile,
  RawImage,
  SkippedImage,
  SplitName,
  Transform,
  TransformContext,
} from './data.js';
export { SKIPPED_IMAGES_CSV, skippedImagesCsv } from './data.js';
export { parseSkippedImagesCsv } from './parseSkippedImagesCsv.js';
export { OTHER_CLASS } from './predictions.js';
export type { SplitPredictions } from './predictions.js';
export type { ClassifierModel, ModelContext, ModelOptions } from './model.js';
export type {
  DenseLayerFactory,
  HeadBuildOptions,
  HeadContext,
  HeadLossOptions,
  HeadReadings,
  MixedNumbers,
  ModelHead,
} from './head.js';
export type { Optimizer, OptimizerContext, OptimizerOptions, TrainableParameter } from './optimizer.js';
export type { ModuleState } from './state.js';
export type { LrScheduler, SchedulerContext, SchedulerOptions } from './scheduler.js';
export type {
  BackendAdapter,
  BackendAvailability,
  BackendContext,
  ComputeBackend,
  MixedPrecisionSupport,
} from './backend.js';
export type { JobResult, JobStatus, Launcher, LauncherContext, RunJob, SweepJob } from './launcher.js';
export { PLUGIN_KINDS, definePlugin } from './plugin.js';
export type {
  AnyPluginDefinition,
  JsonSchema,
  PluginContext,
  PluginDefinition,
  PluginKind,
  PluginKinds,
  PluginModule,
  PluginProduct,
} from './plugin.js';
export { PluginRegistry } from './registry.js';
export {
  ADAM_STEP,
  ADAM_STEP_INPUTS,
  ADD_RELU,
  ADD_RELU_INPUTS,
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
  BATCH_NORM_TRAINING_GRAD_INPUTS,
  BATCH_NORM_TRAINING_GRAD_RELU_INPUTS,
  BATCH_NORM_TRAINING_INPUTS,
  RELU_GRAD,
  RELU_GRAD_INPUTS,
  SGD_STEP,
  SOFTMAX_CROSS_ENTROPY,
  SOFTMAX_CROSS_ENTROPY_GRAD,
  SOFTMAX_CROSS_ENTROPY_GRAD_INPUTS,
  SOFTMAX_CROSS_ENTROPY_INPUTS,
  UNSCALE_GRADIENTS,
  adamStepParameters,
  addReluInputs,
  batchNormActivation,
  batchNormTrainingGradInputs,
  requiredInputs,
  sgdStepParameters,
} from './kernels.js';
export type {
  AdamStepAttrs,
  AdamStepParameter,
  BatchNormActivation,
  BatchNormTrainingAttrs,
  BatchNormTrainingGradAttrs,
  KernelInputs,
  SgdStepAttrs,
  SgdStepParameter,
  SoftmaxCrossEntropyAttrs,
  UnscaleGradientsAttrs,
} from './kernels.js';
export { importOptional, probePackage } from './importOptional.js';
export { escapeTerminalText } from './terminalText.js';
export { createPixelNormalizer } from './pixelNormalizer.js';
export { linkFileAtomic, writeFileAtomic } from './writeFileAtomic.js';
export { RegularFileRefusal, readRegularFile, readRegularFileSync } from './readRegularFile.js';
export type { RegularFileReadOptions, RegularFileRefusalReason } from './readRegularFile.js';
export { compiledWorkerFile } from './compiledWorkerFile.js';
export { workerExecArgv } from './workerExecArgv.js';
export { readWeightsToHost } from './weightsOnHost.js';
