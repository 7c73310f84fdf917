package io.marketprism.ops.exchange;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a strict venue demands of one query parameter: whether it must be sent (always, or when another parameter has
 * a given value) and, if the docs list them, the values it may take.
 *
 * @param name          the parameter
 * @param required      whether it must always be sent, non-blank
 * @param requiredWhen  another parameter and value that make it required (OKX {@code instFamily} for options), if any
 * @param allowed       the values it may take; empty means any
 */
record ParameterRule(String name, boolean required, Optional<Map.Entry<String, String>> requiredWhen,
                     Set<String> allowed) {

    /** Why a request breaks a rule. */
    enum Problem { MISSING, INVALID }

    /** A broken rule: which parameter, and how. */
    record Violation(String parameter, Problem problem) {
    }

    static ParameterRule required(String name, String... allowed) {
        return new ParameterRule(name, true, Optional.empty(), Set.of(allowed));
    }

    static ParameterRule optional(String name, String... allowed) {
        return new ParameterRule(name, false, Optional.empty(), Set.of(allowed));
    }

    static ParameterRule requiredWhen(String name, String otherParameter, String otherValue) {
        return new ParameterRule(name, false, Optional.of(Map.entry(otherParameter, otherValue)), Set.of());
    }

    /** The violation of this rule by a query, if any. */
    Optional<Violation> check(Map<String, String> query) {
        String value = query.get(name);
        boolean absent = value == null || value.isBlank();
        boolean demanded = required || requiredWhen.filter(e -> e.getValue().equals(query.get(e.getKey()))).isPresent();
        if (absent) {
            return demanded ? Optional.of(new Violation(name, Problem.MISSING)) : Optional.empty();
        }
        return allowed.isEmpty() || allowed.contains(value) ? Optional.empty()
                : Optional.of(new Violation(name, Problem.INVALID));
    }
}
