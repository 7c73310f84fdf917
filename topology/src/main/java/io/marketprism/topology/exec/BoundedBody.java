package io.marketprism.topology.exec;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read up to a limit: the whole body as UTF-8 text, or, when it is larger (by its Content-Length
 * or by what arrives), only its size, the rest of the body discarded unread. Keeps a result that the producer could
 * not write (and that would abort every transaction that tried) from ever being built.
 *
 * @param text          the body, or null when it was too large
 * @param oversizedBytes bytes seen (or declared) when reading stopped; -1 when the body was read whole
 */
record BoundedBody(String text, long oversizedBytes) {

    /** A body handler reading at most {@code maxBytes} bytes of every response body. */
    static HttpResponse.BodyHandler<BoundedBody> handler(int maxBytes) {
        return info -> {
            long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
            if (declared > maxBytes) {
                return HttpResponse.BodySubscribers.replacing(new BoundedBody(null, declared));
            }
            return new Subscriber(maxBytes);
        };
    }

    boolean tooLarge() {
        return oversizedBytes >= 0;
    }

    /** Collects the body's buffers until the limit, then cancels the subscription and answers with the size. */
    private static final class Subscriber implements HttpResponse.BodySubscriber<BoundedBody> {

        private final int maxBytes;
        private final CompletableFuture<BoundedBody> body = new CompletableFuture<>();
        private byte[] collected = new byte[1024];
        private int size;
        private Flow.Subscription subscription;

        Subscriber(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<BoundedBody> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                int n = buffer.remaining();
                if ((long) size + n > maxBytes) {
                    body.complete(new BoundedBody(null, (long) size + n));
                    subscription.cancel();
                    collected = null;
                    return;
                }
                if (size + n > collected.length) {
                    byte[] larger = new byte[(int) Math.min(maxBytes, Math.max(collected.length * 2L, size + n))];
                    System.arraycopy(collected, 0, larger, 0, size);
                    collected = larger;
                }
                buffer.get(collected, size, n);
                size += n;
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            if (!body.isDone()) {
                body.complete(new BoundedBody(new String(collected, 0, size, StandardCharsets.UTF_8), -1));
            }
        }
    }
}
