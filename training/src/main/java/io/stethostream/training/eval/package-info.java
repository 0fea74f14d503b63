/**
 * Evaluation without DJL: confusion matrices, the ICBHI scores (spec section 7), the paper and honest model-selection
 * protocols, {@code metrics.json}, and PNG charts.
 */
package io.stethostream.training.eval;
