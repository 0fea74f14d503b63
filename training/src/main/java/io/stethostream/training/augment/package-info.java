/**
 * Waveform augmentations of training cycles (band limit, gain, noise, time shift), pure float[] in and out with a
 * {@link java.util.Random}; the band limit also serves evaluation on band-limited audio.
 */
package io.stethostream.training.augment;
