package io.marketprism.ops.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.schemas.Priority;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PriorityMixTest {

    @Test
    void shouldParseWeightsCaseInsensitively() {
        PriorityMix mix = PriorityMix.parse("critical=1, HIGH=2,Normal=5,LOW=2");

        assertThat(mix.weights()).containsExactly(Map.entry(Priority.CRITICAL, 1), Map.entry(Priority.HIGH, 2),
                Map.entry(Priority.NORMAL, 5), Map.entry(Priority.LOW, 2));
    }

    @Test
    void shouldRejectUnknownPriorityNamingTheAllowedOnes() {
        assertThatThrownBy(() -> PriorityMix.parse("URGENT=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--priority-mix").hasMessageContaining("URGENT").hasMessageContaining("CRITICAL");
    }

    @Test
    void shouldRejectWeightOutOfRangeNamingTheRange() {
        assertThatThrownBy(() -> PriorityMix.parse("HIGH=-1"))
                .hasMessageContaining("weight of HIGH").hasMessageContaining("0..1000000");
    }

    @Test
    void shouldRejectAllZeroWeights() {
        assertThatThrownBy(() -> PriorityMix.parse("HIGH=0,LOW=0")).hasMessageContaining("at least one weight");
    }

    @Test
    void shouldRejectPairWithoutEqualsSign() {
        assertThatThrownBy(() -> PriorityMix.parse("HIGH")).hasMessageContaining("'HIGH' is not PRIORITY=weight");
    }

    @Test
    void shouldDrawPrioritiesInProportionToTheirWeights() {
        // Given
        PriorityMix mix = PriorityMix.parse("CRITICAL=1,HIGH=2,NORMAL=5,LOW=2");
        Random random = new Random(3);
        Map<Priority, Integer> counts = new EnumMap<>(Priority.class);

        // When
        for (int i = 0; i < 10_000; i++) {
            counts.merge(mix.pick(random), 1, Integer::sum);
        }

        // Then: within 10% of the expected 1000, 2000, 5000, 2000
        assertThat(counts.get(Priority.CRITICAL)).isBetween(900, 1100);
        assertThat(counts.get(Priority.HIGH)).isBetween(1800, 2200);
        assertThat(counts.get(Priority.NORMAL)).isBetween(4500, 5500);
        assertThat(counts.get(Priority.LOW)).isBetween(1800, 2200);
    }

    @Property
    void shouldNeverDrawAPriorityOfWeightZero(@ForAll @IntRange(min = 0, max = 5) int critical,
                                              @ForAll @IntRange(min = 1, max = 5) int low,
                                              @ForAll long seed) {
        PriorityMix mix = PriorityMix.parse("CRITICAL=" + critical + ",LOW=" + low);
        Random random = new Random(seed);
        for (int i = 0; i < 50; i++) {
            Priority drawn = mix.pick(random);
            assertThat(drawn).isIn(Priority.CRITICAL, Priority.LOW);
            if (critical == 0) {
                assertThat(drawn).isEqualTo(Priority.LOW);
            }
        }
    }
}
