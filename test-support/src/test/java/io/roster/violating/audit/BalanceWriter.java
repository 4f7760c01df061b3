package io.roster.violating.audit;

import org.axonframework.eventhandling.EventHandler;
import org.springframework.web.bind.annotation.GetMapping;

/** A read-model writer (an Axon event handler, whatever its name) that is also a web endpoint. */
public class BalanceWriter {

    @EventHandler
    void on(String event) {
    }

    @GetMapping("/balance")
    String balance() {
        return "0";
    }
}
