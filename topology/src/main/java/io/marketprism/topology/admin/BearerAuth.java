package io.marketprism.topology.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Checks the {@code Authorization: Bearer <token>} header of a mutating admin call against {@code admin.token}.
 * Compares in constant time; never logs or echoes the token.
 */
final class BearerAuth {

    /** The verdict, with the HTTP status to answer when the call is refused. */
    enum Verdict {
        ALLOWED(200), MISSING(401), WRONG(403), NOT_CONFIGURED(403);

        final int status;

        Verdict(int status) {
            this.status = status;
        }
    }

    private static final String SCHEME = "Bearer ";

    private final byte[] expected;

    BearerAuth(Optional<String> token) {
        this.expected = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    Verdict check(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Verdict.MISSING;
        }
        if (expected == null) {
            return Verdict.NOT_CONFIGURED;
        }
        byte[] given = authorizationHeader.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given) ? Verdict.ALLOWED : Verdict.WRONG;
    }
}
