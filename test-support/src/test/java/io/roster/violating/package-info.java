/**
 * Classes that break each rule of {@link io.roster.testsupport.architecture.RosterArchitecture} on purpose, so that
 * {@code RosterArchitectureTest} sees every rule fail. Never used at run time.
 */
package io.roster.violating;
