import { UserError } from '../../common/user-error.js';

/** Learning rate as a function of progress: step index (0-based) out of total steps. */
export type Schedule = (step: number, totalSteps: number) => number;

export const constantLr = (lr: number): Schedule => () => lr;

/** lr * gamma^floor(progress / every): e.g. every = 1/3 divides the rate at a third and two thirds. */
export const stepLr = (lr: number, every: number, gamma: number): Schedule => (step, total) =>
  lr * gamma ** Math.floor(step / Math.max(1, Math.round(every * total)));

/** Cosine decay from lr to minLr over the run. */
export const cosineLr = (lr: number, minLr = 0): Schedule => (step, total) =>
  minLr + 0.5 * (lr - minLr) * (1 + Math.cos((Math.PI * step) / Math.max(1, total)));

export const SCHEDULES = ['constant', 'step', 'cosine'] as const;

export function makeSchedule(name: string, lr: number): Schedule {
  if (name === 'constant') return constantLr(lr);
  if (name === 'step') return stepLr(lr, 1 / 3, 0.1);
  if (name === 'cosine') return cosineLr(lr, lr * 0.01);
  throw new UserError(`learning-rate schedule: expected one of ${SCHEDULES.join(', ')}, found "${name}"`);
}
