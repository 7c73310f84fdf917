package io.marketprism.topology.processor;

import io.marketprism.reliability.engine.DecisionEngine;
import io.marketprism.reliability.engine.EventListener;
import io.marketprism.topology.admin.AdminCommand;
import io.marketprism.topology.admin.AdminCommandApplier;
import io.marketprism.topology.state.EngineStateStorage;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies the admin commands queued for one partition (force a breaker open or closed, reset it, lift a ban) on the
 * stream thread, through the engine store: the engine's unsaved changes are saved first, the commands rewrite the
 * saved components, and a new engine over the changed store carries on.
 */
final class OperatorCommands {

    private final ProcessorSettings settings;
    private final AdminCommandApplier applier;
    private final KeyValueStore<String, byte[]> engineStore;
    private final int partition;

    OperatorCommands(ProcessorSettings settings, KeyValueStore<String, byte[]> engineStore, int partition) {
        this.settings = settings;
        this.applier = new AdminCommandApplier(settings.reliability());
        this.engineStore = engineStore;
        this.partition = partition;
    }

    /** Applies the queued commands; returns the engine to go on with: {@code engine} when nothing changed. */
    DecisionEngine apply(DecisionEngine engine, EventListener events, long now) {
        AdminCommand command = settings.mailbox().poll(partition);
        if (command == null) {
            return engine;
        }
        engine.saveChanges();
        boolean changed = false;
        for (; command != null; command = settings.mailbox().poll(partition)) {
            changed |= applier.apply(command, engineStore, now, events::onEvent);
        }
        return changed ? settings.newEngine(new EngineStateStorage(engineStore), events) : engine;
    }
}
