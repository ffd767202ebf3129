import { CHANNELS_SETTINGS, WIDTH_SETTINGS, type ModelConfig } from './settings.js';

/*
 * The shapes a model's settings imply, without TensorFlow.js: sweep files are checked with them
 * in processes that never train (the coordinator, `sweeper best`), and importing TensorFlow.js
 * there would cost every command its start-up.
 */

/** [height, width, channels] of one example. */
export type ImageShape = readonly [number, number, number];

/** Units of each hidden dense layer: `width_<n>` where set, else `width`. */
export function hiddenWidths(config: ModelConfig): number[] {
  return WIDTH_SETTINGS.slice(0, config.depth).map((name) => config[name] ?? config.width);
}

/** Output channels of each conv block: `channels_<n>` where set, else `channels`. */
export function convChannels(config: ModelConfig): number[] {
  return CHANNELS_SETTINGS.slice(0, config.conv_layers).map((name) => config[name] ?? config.channels);
}

/** The conv blocks' flattened output size, or why the image is too small for them. */
export function convOutputSize(config: ModelConfig, [height, width]: ImageShape): { flat: number } | { problem: string } {
  let h = height;
  let w = width;
  const channels = convChannels(config);
  for (let block = 1; block <= channels.length; block++) {
    if (config.padding === 'valid') {
      h -= config.kernel - 1;
      w -= config.kernel - 1;
    }
    h = Math.floor(h / config.pool);
    w = Math.floor(w / config.pool);
    if (h < 1 || w < 1) {
      return {
        problem:
          `conv block ${block} of ${channels.length} leaves no pixels of the ${height}x${width} image ` +
          `(kernel ${config.kernel}, padding ${config.padding}, pool ${config.pool}): use fewer conv_layers, padding same or a smaller pool`,
      };
    }
  }
  return { flat: h * w * (channels.at(-1) ?? 1) };
}
