package io.stethostream.streams.topology;

import io.stethostream.protocol.AudioChunk;

/** A decoded chunk travelling with its original record bytes, so a later failure can still dead-letter it unchanged. */
record DecodedChunk(AudioChunk chunk, byte[] rawKey, byte[] rawValue) {
}
