package io.marketprism.reliability.exchange;

import java.util.List;
import java.util.Map;

/**
 * How one data type of one market is fetched: the path, the parameter the task's symbol goes in, parameters the
 * market fixes (OKX's {@code instType}, Bybit's {@code category}), defaults for parameters a task may leave out,
 * parameters a task must give, the request's weight and the limit group it is charged to.
 *
 * @param weight a {@link io.marketprism.reliability.config.RequestWeights} rule, e.g. {@code limit:100=5,*=25}
 */
public record RequestSpec(String dataType, String path, String symbolParam, Map<String, String> fixed,
                          Map<String, String> defaults, List<String> required, String weight, String limitGroup,
                          String doc) {

    public RequestSpec {
        fixed = Map.copyOf(fixed);
        defaults = Map.copyOf(defaults);
        required = List.copyOf(required);
    }
}
