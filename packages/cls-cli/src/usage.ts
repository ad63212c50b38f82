export const USAGE = `Usage: cls <command> [options] [overrides...]

Commands:
  train [overrides...]          compose the config, train, validate each epoch, test at the end
  data prepare mnist [--out D]  write the embedded MNIST as an ImageFolder (default: ./data/mnist)

Options:
  --cfg job|hydra|all   print the composed config as YAML and exit
  --resolve             with --cfg, resolve interpolations
  --config-dir DIR      add DIR to the config search path (after the built-in and ./configs)
  --config-name NAME    primary config (default: train)
  --info                list the config groups and their options
  --verbose             print stack traces and debug logs
  -h, --help            this help
  --version             print the version

Overrides use Hydra's syntax: group=option (model=resnet50), key=value (trainer.max_epochs=3),
+key=value (add), ++key=value (add or set), ~key (delete).

Examples:
  cls train experiment=mnist
  cls train data=imagefolder data.root=./jerseys model=resnet18 trainer.max_epochs=5 data.image_size=64
  cls train --cfg job model=resnet50 trainer.max_epochs=3`;
