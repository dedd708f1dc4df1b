import type { Command } from 'commander';
import { registerEnergy } from './energy/cli.js';
import { registerPack } from './engine/cli.js';
import { registerQuantize } from './quant/cli.js';
import { registerDecompose } from './sd/cli.js';
import { registerEval, registerTrain } from './train/cli.js';

/** Subcommands of the software stack: train, eval, decompose, quantize, pack, energy. */
export function registerSwCommands(program: Command): void {
  registerTrain(program);
  registerEval(program);
  registerDecompose(program);
  registerQuantize(program);
  registerPack(program);
  registerEnergy(program);
}
