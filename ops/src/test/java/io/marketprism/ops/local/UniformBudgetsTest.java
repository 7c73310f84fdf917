package io.marketprism.ops.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.reliability.exchange.ExchangeDefinition;
import io.marketprism.reliability.exchange.ExchangeDefinitions;
import io.marketprism.reliability.exchange.LimitGroup;
import io.marketprism.reliability.exchange.LimitRule;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class UniformBudgetsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"weight", "requests"})
    void everyGroupOfEveryShippedExchangeGetsTheOneBudgetAndTheDefinitionsStayValid(String measure) throws Exception {
        String files = UniformBudgets.write(dir, measure, 5, "10s");

        ExchangeDefinitions definitions = ExchangeDefinitions.load(
                Arrays.stream(files.split(",")).map(Path::of).toList());

        assertThat(definitions.all()).containsOnlyKeys(ExchangeDefinitions.BUILT_IN);
        for (ExchangeDefinition definition : definitions.all().values()) {
            for (LimitGroup group : definition.limitGroups().values()) {
                List<LimitRule> rules = group.rules();
                assertThat(rules).as(definition.name() + "." + group.name()).singleElement()
                        .satisfies(rule -> {
                            assertThat(rule.measure().name()).isEqualToIgnoringCase(measure);
                            assertThat(rule.limit()).isEqualTo(5);
                        });
            }
        }
    }
}
