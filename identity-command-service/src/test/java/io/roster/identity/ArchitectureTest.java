package io.roster.identity;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import io.roster.testsupport.architecture.RosterArchitecture;

/** The boundaries every Roster service keeps (see {@link RosterArchitecture}), checked on this service's code. */
@AnalyzeClasses(packages = "io.roster.identity", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchTests boundaries = ArchTests.in(RosterArchitecture.class);
}
