import { definePlugin, type ModelHead, type PluginDefinition } from '@nextplay/cls-core';
import { PACKAGE_NAME } from '../resnetPlugins.js';
import { digitsHead } from './digitsHead.js';
import { sequenceHead } from './sequenceHead.js';

/** Heads take no options of their own: `model.head` names one, the `model` node configures the rest. */
const noOptions = { type: 'object', properties: {}, additionalProperties: false } as const;

function headPlugin(head: ModelHead, description: string): PluginDefinition<'head', Record<string, never>> {
  return definePlugin<'head', Record<string, never>>({
    kind: 'head',
    name: head.name,
    package: PACKAGE_NAME,
    description,
    optionsSchema: noOptions,
    create: () => head,
  });
}

export const digitsHeadPlugin = headPlugin(
  digitsHead,
  'Jersey numbers digit by digit: tens (none, 0-9) and units (0-9) classifiers on the pooled features.',
);
export const sequenceHeadPlugin = headPlugin(
  sequenceHead,
  'Jersey numbers as a digit sequence: CTC over the columns of layer3 (strided (2, 1); no layer4).',
);

export const headPlugins = [digitsHeadPlugin, sequenceHeadPlugin] as const;
