import { Command, CommanderError } from 'commander';
import { isUserError } from '../common/user-error.js';
import { registerGeneratorCommands } from '../generator/cli.js';
import { registerSwCommands } from '../sw/cli.js';
import { registerFpgaCommands } from '../fpga/cli.js';

/** Builds the `smartdeal` command tree; each part of the toolchain adds its own subcommands. */
export function buildProgram(): Command {
  const program = new Command('smartdeal')
    .description('SmartDeal accelerator toolchain: hardware DSL and generator, training and compression, simulation, FPGA flow')
    .showHelpAfterError()
    .exitOverride();
  registerGeneratorCommands(program);
  registerSwCommands(program);
  registerFpgaCommands(program);
  return program;
}

/** Runs the CLI; user mistakes print one clear line and exit 1, bugs keep their stack. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode);
    if (isUserError(e)) {
      process.stderr.write(`smartdeal: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
