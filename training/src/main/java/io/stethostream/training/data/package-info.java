/**
 * Training data without DJL: which database(s) to read, the labelled cycles as unpadded model-rate slices, a
 * patient-disjoint validation split, and the class counts and weights. The trainer fits each cycle to the window
 * length and extracts its features per batch with the same ingest code that serving uses.
 */
package io.stethostream.training.data;
