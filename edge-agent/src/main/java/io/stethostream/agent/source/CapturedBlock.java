package io.stethostream.agent.source;

/**
 * A block of mono audio as it left the source.
 *
 * @param samples           mono samples in [-1, 1]; the block owns the array
 * @param sampleRate        the source's native rate, Hz
 * @param captureTimeMicros wall-clock time of the first sample, microseconds since the epoch
 */
public record CapturedBlock(float[] samples, int sampleRate, long captureTimeMicros) {
}
