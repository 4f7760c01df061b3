package io.roster.kit.command;

import org.axonframework.commandhandling.CommandHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import java.lang.reflect.Executable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The command classes this service handles: the first parameter of every {@code @CommandHandler} method or
 * constructor of the context's beans, aggregates included (Axon's {@code @Aggregate} is a prototype bean). Once the
 * singletons exist, before the server listens, {@link Commands} registers a latency timer for each, so that every
 * command type's series is on {@code /actuator/prometheus} at zero from start-up.
 */
final class CommandTypes implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(CommandTypes.class);

    private final ConfigurableListableBeanFactory beans;
    private final Commands commands;

    CommandTypes(ConfigurableListableBeanFactory beans, Commands commands) {
        this.beans = beans;
        this.commands = commands;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Set<Class<?>> types = new TreeSet<>(Comparator.comparing(Class::getName));
        for (String name : beans.getBeanDefinitionNames()) {
            Class<?> type = beans.getType(name, false);
            if (type != null) {
                types.addAll(handledBy(ClassUtils.getUserClass(type)));
            }
        }
        commands.timing(types);
        log.info("Command latency timers registered for {} command class(es)", types.size());
    }

    static Set<Class<?>> handledBy(Class<?> type) {
        List<Executable> candidates = new ArrayList<>(List.of(ReflectionUtils.getUniqueDeclaredMethods(type)));
        candidates.addAll(List.of(type.getDeclaredConstructors()));
        Set<Class<?>> commands = new TreeSet<>(Comparator.comparing(Class::getName));
        for (Executable candidate : candidates) {
            if (candidate.getParameterCount() > 0 && AnnotationUtils.findAnnotation(candidate, CommandHandler.class) != null) {
                commands.add(candidate.getParameterTypes()[0]);
            }
        }
        return commands;
    }
}
