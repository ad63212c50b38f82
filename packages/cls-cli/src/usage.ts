import { listConfigGroups } from '@nextplay/cls-config';
import { builtinConfigDir } from './configDirs.js';

const HEAD = `Usage: cls <command> [options] [overrides...]

Commands:
  train [overrides...]          compose the config, train, validate each epoch, test at the end
  test [overrides...]           evaluate a checkpoint on the test split (Lightning's trainer.test), config as
                                train's: ckpt_path=<checkpoint dir>|best|last [hydra.run.dir=<training run>]
                                [data.root=<dataset>]; prints the metrics, writes <run dir>/test_results.json
  predict [overrides...]        classify images with a checkpoint: ckpt_path=<checkpoint dir>|best|last
                                input=<image file|folder> [output=<file.csv>] [top_k=<k>] (short for
                                predict.input/output/top_k); writes path,class,confidence CSV (default
                                <run dir>/predictions.csv)
  export [overrides...]         write a model as ONNX (checked in onnxruntime) or TensorFlow.js:
                                model=<arch> model.num_classes=<n> model.pretrained=<file|URL|imagenet>
                                export.output=<file.onnx> [data.image_size=<px>|[h,w]] [export.format=onnx|tfjs]
                                [export.opset=13..17] [ckpt_path=<checkpoint dir>]
  report DIR                    (re)build DIR/report.html from a run's files; for a multirun sweep directory,
                                one report comparing its runs (overrides, best val/acc, test/acc, time)
  data prepare mnist [out=D]    write the embedded MNIST as an ImageFolder (default: ./data/mnist)
  data bench [overrides]        images/s of the input pipeline alone (decode, transforms, batches), first
                                epoch and steady state, peak RSS [--epochs N (5)] [--json]
  data synth out=D [numbers=0-99] [per_number=100] [image_size=64|[h,w]] [seed=0]
                                render synthetic jersey-number crops as an ImageFolder (80/10/10 split)

Options:
  --cfg job|hydra|all       print the composed config as YAML and exit
  --resolve                 with --cfg, resolve interpolations
  -m, --multirun            run one job per combination of the sweeps (a=1,2 range(...) glob(*) ...)
  -cd, --config-dir DIR     add DIR to the config search path (after the built-in and ./configs)
  -cp, --config-path DIR    the project's config folder, in place of ./configs
  -cn, --config-name NAME   primary config, with or without .yaml (default: train)
  --info                    list the config groups and their options, and the plugins
  --verbose                 print stack traces and debug logs
  -h, --help                this help
  --version                 print the version

Overrides use Hydra's syntax: group=option (model=resnet50), key=value (trainer.max_epochs=3),
+key=value (add), ++key=value (add or set), ~key (delete); with -m, sweeps: model=resnet18,resnet50,
seed=range(1,4), 'experiment=glob(*)', optimizer.lr=choice(1e-3,3e-4).
Project defaults come from cls.config.{yaml,json,js,ts}, .clsrc* or "cls" in package.json.`;

const EXAMPLES = `Examples:
  cls train experiment=mnist
  cls train data=imagefolder data.root=./jerseys model=resnet18 trainer.max_epochs=5 data.image_size=64
  cls train --cfg job model=resnet50 trainer.max_epochs=3
  cls train -m model=resnet18,resnet50 optimizer.lr=1e-3,3e-4
  cls test ckpt_path=best hydra.run.dir=outputs/2026-11-29/10-00-00 data.root=./jerseys
  cls predict ckpt_path=outputs/2026-11-29/10-00-00/checkpoints/best input=./crops top_k=3
  cls export model=resnet50 model.num_classes=1000 model.pretrained=imagenet export.output=resnet50.onnx`;

/** The help text, listing the config groups found in `configDirs` and their options. */
export function usageText(configDirs: readonly string[]): string {
  const groups = Object.entries(listConfigGroups(configDirs));
  const width = Math.max(0, ...groups.map(([group]) => group.length));
  const lines = groups.map(([group, options]) => `  ${group.padEnd(width)}  ${options.join(', ')}`);
  return `${HEAD}\n\nConfig groups (group=option):\n${lines.join('\n')}\n\n${EXAMPLES}`;
}

/** The help text with the built-in config groups (`usageText` also sees a project's `configs/`). */
export const USAGE = usageText([builtinConfigDir()]);
