import { z } from 'zod';

export const LR_SCHEDULES = ['constant', 'warmup', 'step', 'cosine', 'warmup_cosine', 'mi_relative', 'mi_ixy'] as const;
export type LrScheduleName = (typeof LR_SCHEDULES)[number];

/**
 * The learning-rate schedule's settings, spread into TRAINING_SETTINGS: flat names a sweep can fix
 * in `training:` or search in `space:`. Each schedule reads only its own (the comments say which);
 * combinations are checked when the schedule is built (schedules/create-schedule.ts).
 */
export const SCHEDULE_SETTINGS = {
  /** How learning_rate changes from epoch to epoch; constant keeps it. */
  lr_schedule: z.enum(LR_SCHEDULES),
  /** warmup, warmup_cosine: the rate of epoch 1, rising linearly to learning_rate. */
  warmup_from: z.number().positive().finite(),
  /** warmup, warmup_cosine: epochs of warm-up; learning_rate is reached at epoch warmup_epochs + 1. */
  warmup_epochs: z.number().int().min(1).max(100000),
  /** step: multiply the rate by step_factor every step_every epochs. */
  step_every: z.number().int().min(1).max(100000),
  step_factor: z.number().positive().finite(),
  /** cosine, warmup_cosine: the floor of the decay; mi_*: the lower bound and the starting rate. */
  lr_min: z.number().min(0).finite(),
  /** mi_*: the upper bound of the rate. */
  lr_max: z.number().positive().finite(),
  /** mi_*: the appendix's gamma1 (increases); unset means the policy's own default. */
  mi_gamma1: z.number().positive().finite().optional(),
  /** mi_*: gamma2 (decreases); unset: 1 for mi_relative, 0.1 for mi_ixy, as in report 003. */
  mi_gamma2: z.number().positive().finite().optional(),
  /** mi_ixy: gamma3 (decreases once IHYLL exceeds IXY); unset: 0.1. */
  mi_gamma3: z.number().positive().finite().optional(),
  /** mi_*: a relative change of IHYLL at most this counts as saturated. */
  mi_epsilon: z.number().positive().finite(),
  /** mi_*: samples of the fixed subset MI is estimated on (KSG costs O(samples^2)). */
  mi_samples: z.number().int().min(10).max(5000),
  /** mi_*: KSG's k. */
  mi_neighbours: z.number().int().min(1).max(100),
} as const;

export type ScheduleSetting = keyof typeof SCHEDULE_SETTINGS;
export type ScheduleConfig = Readonly<z.output<z.ZodObject<typeof SCHEDULE_SETTINGS>>>;

/** Whole-number settings: searched with int or categorical parameters. */
export const SCHEDULE_INTEGER_SETTINGS = ['warmup_epochs', 'step_every', 'mi_samples', 'mi_neighbours'] as const;

/**
 * A constant rate unless a sweep asks otherwise; the rest are reference report 003's values (warm-up
 * 0.001 over 5 epochs, LR in [0.001, 0.1], epsilon 0.01, 1,000 samples, k = 3) and the common
 * step decay (x0.1 every 10 epochs). The gammas are left unset: each policy has its own defaults.
 */
export const DEFAULT_SCHEDULE: ScheduleConfig = {
  lr_schedule: 'constant',
  warmup_from: 0.001,
  warmup_epochs: 5,
  step_every: 10,
  step_factor: 0.1,
  lr_min: 0.001,
  lr_max: 0.1,
  mi_epsilon: 0.01,
  mi_samples: 1000,
  mi_neighbours: 3,
};
