/** Classes that keep every rule of {@link io.roster.testsupport.architecture.RosterArchitecture}: the rules pass them. */
package io.roster.conforming;
