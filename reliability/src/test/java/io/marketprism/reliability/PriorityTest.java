package io.marketprism.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PriorityTest {

    @Test
    void criticalOutranksEveryOtherPriority() {
        assertThat(Priority.CRITICAL.outranks(Priority.HIGH)).isTrue();
        assertThat(Priority.HIGH.outranks(Priority.NORMAL)).isTrue();
        assertThat(Priority.NORMAL.outranks(Priority.LOW)).isTrue();
        assertThat(Priority.LOW.outranks(Priority.CRITICAL)).isFalse();
    }

    @Property
    void outranksIsAStrictOrder(@ForAll Priority a, @ForAll Priority b) {
        assertThat(a.outranks(b) && b.outranks(a)).isFalse();
        assertThat(a.outranks(a)).isFalse();
    }
}
