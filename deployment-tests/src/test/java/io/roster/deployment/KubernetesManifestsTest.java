package io.roster.deployment;

import java.util.List;
import java.util.Map;

/** The overlays rendered by {@link KustomizeSubset}: runs everywhere, no kubectl needed. */
class KubernetesManifestsTest extends KubernetesManifestChecks {

    @Override
    List<Map<String, Object>> render(String overlay) {
        return KustomizeSubset.render(Manifests.overlayDir(overlay));
    }
}
