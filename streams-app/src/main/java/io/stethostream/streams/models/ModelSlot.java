package io.stethostream.streams.models;

import io.stethostream.ingest.features.FeatureSpec;
import io.stethostream.runtime.ModelMetadata;
import io.stethostream.runtime.OnnxModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model an application instance serves right now, swappable while windows are in flight.
 *
 * <p>Inference takes a {@link Lease} per batch; {@link #swap} installs the next model at once, and the previous one is
 * closed only when its last lease is returned, so no window is dropped or run on a closed session. The feature
 * contract ({@link #featureSpec()}) is fixed for the life of the slot: windowing state in the stores depends on it, so
 * a release with another contract is refused before it reaches {@link #swap}.
 */
public final class ModelSlot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSlot.class);

    private final FeatureSpec featureSpec;
    private final AtomicReference<Held> current = new AtomicReference<>();

    public ModelSlot(OnnxModel initial, String releaseId) {
        this.featureSpec = initial.featureSpec();
        current.set(new Held(initial, releaseId));
    }

    /** The contract every served model must meet: rate, frames, mel bins, normalisation, window and hop. */
    public FeatureSpec featureSpec() {
        return featureSpec;
    }

    /** The model to use for one batch; close the lease when the batch is done. */
    public Lease acquire() {
        while (true) {
            Held h = current.get();
            if (h == null) {
                throw new IllegalStateException("model slot is closed");
            }
            if (h.retain()) {
                return new Lease(h);
            }
            // h was swapped out and released between get() and retain(): read the new one.
        }
    }

    /** Serves {@code next} from now on; the previous model closes when its last lease is returned. */
    public void swap(OnnxModel next, String releaseId) {
        Held old = current.getAndSet(new Held(next, releaseId));
        if (old != null) {
            LOG.info("model {} {} replaces {} {}", next.metadata().modelName(), next.metadata().modelVersion(),
                    old.model.metadata().modelName(), old.model.metadata().modelVersion());
            old.release();
        }
    }

    /** The metadata of the model being served. */
    public ModelMetadata metadata() {
        try (Lease l = acquire()) {
            return l.metadata();
        }
    }

    /** The release id of the model being served (a file's SHA-256 prefix or a release record's id). */
    public String releaseId() {
        try (Lease l = acquire()) {
            return l.releaseId();
        }
    }

    @Override
    public void close() {
        Held h = current.getAndSet(null);
        if (h != null) {
            h.release();
        }
    }

    /** A model in use by one batch. */
    public static final class Lease implements AutoCloseable {
        private final Held held;
        private boolean closed;

        private Lease(Held held) {
            this.held = held;
        }

        public OnnxModel model() {
            return held.model;
        }

        public ModelMetadata metadata() {
            return held.model.metadata();
        }

        public String releaseId() {
            return held.releaseId;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                held.release();
            }
        }
    }

    /** A model plus its reference count: 1 for the slot itself, +1 per open lease. */
    private static final class Held {
        final OnnxModel model;
        final String releaseId;
        final AtomicInteger refs = new AtomicInteger(1);

        Held(OnnxModel model, String releaseId) {
            this.model = model;
            this.releaseId = releaseId;
        }

        boolean retain() {
            while (true) {
                int r = refs.get();
                if (r == 0) {
                    return false;
                }
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                model.close();
            }
        }
    }
}
