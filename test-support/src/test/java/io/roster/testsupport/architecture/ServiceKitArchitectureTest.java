package io.roster.testsupport.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;

/**
 * The service kit keeps the services' boundaries too (no package cycles, no HTTP client). It is checked
 * here because test-support depends on it: the kit cannot depend on test-support in turn.
 */
@AnalyzeClasses(packages = "io.roster.kit", importOptions = ImportOption.DoNotIncludeTests.class)
class ServiceKitArchitectureTest {

    @ArchTest
    static final ArchTests boundaries = ArchTests.in(RosterArchitecture.class);
}
