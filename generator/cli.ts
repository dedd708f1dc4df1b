import type { Command } from 'commander';

/** Subcommands of the hardware side: rtl, lint, demo. Filled in by the generator work. */
export function registerGeneratorCommands(_program: Command): void {}
