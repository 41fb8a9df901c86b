/**
 * Train / valid / test shares, each from the seed its pipeline implements (issue 19, defect 5).
 * Named once here so that a pipeline cites its seed instead of repeating numbers.
 */
export type SplitRatios = [train: number, valid: number, test: number];

/**
 * Seed 001 (`split_dataset(input_file, train_ratio=0.9, valid_ratio=0.05)`, line 248) and seed 004
 * (`prepare_dataset.py --train-split 0.9 --val-split 0.05 --test-split 0.05`, line 223): 90/5/5.
 */
export const SEED_001_004_RATIOS: SplitRatios = [0.9, 0.05, 0.05];

/**
 * Seed 000 ("Hold out 10-20% of data *before* any analysis", line 423; checklist "Test set reserved
 * (10-20% held out)", line 513): 15% test, the middle of the seed's range, which also gives the
 * promotion gate's paired interval more test examples than 10% would; 5% valid for the loss curve.
 */
export const SEED_000_RATIOS: SplitRatios = [0.8, 0.05, 0.15];
