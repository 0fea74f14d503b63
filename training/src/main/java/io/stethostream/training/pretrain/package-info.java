/**
 * Self-supervised pretraining of the AST encoder on unlabeled recordings: masked spectrogram patch modelling
 * (MAE-style), its data, masks, targets, checkpoints and figures.
 */
package io.stethostream.training.pretrain;
