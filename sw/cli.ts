import type { Command } from 'commander';
import { registerDecompose } from './sd/cli.js';
import { registerEval, registerTrain } from './train/cli.js';

/** Subcommands of the software stack: train, eval, decompose. */
export function registerSwCommands(program: Command): void {
  registerTrain(program);
  registerEval(program);
  registerDecompose(program);
}
