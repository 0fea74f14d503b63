/** Training of the Audio Spectrogram Transformer with Patch-Mix contrastive learning (DJL, PyTorch engine). */
package io.stethostream.training;
