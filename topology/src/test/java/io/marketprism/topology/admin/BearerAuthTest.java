package io.marketprism.topology.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerAuthTest {

    private static final String TOKEN = "s3cret-token-of-24-chars";
    private final BearerAuth auth = new BearerAuth(Optional.of(TOKEN));

    @Test
    void shouldAnswer401WhenNoBearerTokenIsPresented() {
        assertThat(auth.check(null)).isEqualTo(BearerAuth.Verdict.MISSING);
        assertThat(auth.check("Basic dXNlcjpwYXNz")).isEqualTo(BearerAuth.Verdict.MISSING);
        assertThat(BearerAuth.Verdict.MISSING.status).isEqualTo(401);
    }

    @Test
    void shouldAnswer403ForAWrongToken() {
        assertThat(auth.check("Bearer " + TOKEN + "x")).isEqualTo(BearerAuth.Verdict.WRONG);
        assertThat(auth.check("Bearer ")).isEqualTo(BearerAuth.Verdict.WRONG);
        assertThat(BearerAuth.Verdict.WRONG.status).isEqualTo(403);
    }

    @Test
    void shouldRefuseEveryTokenWhenNoneIsConfigured() {
        BearerAuth unset = new BearerAuth(Optional.empty());
        assertThat(unset.check("Bearer " + TOKEN)).isEqualTo(BearerAuth.Verdict.NOT_CONFIGURED);
        assertThat(BearerAuth.Verdict.NOT_CONFIGURED.status).isEqualTo(403);
    }

    @Test
    void shouldAllowTheConfiguredTokenWhateverTheSchemeCase() {
        assertThat(auth.check("Bearer " + TOKEN)).isEqualTo(BearerAuth.Verdict.ALLOWED);
        assertThat(auth.check("bearer " + TOKEN)).isEqualTo(BearerAuth.Verdict.ALLOWED);
    }
}
