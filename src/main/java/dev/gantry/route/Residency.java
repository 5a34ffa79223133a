package dev.gantry.route;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which models each Ollama node has loaded in memory right now, from polling its {@code /api/ps}
 * and from what requests teach us (a node that just answered for a model has it loaded). A
 * request sent to a node with its model loaded starts generating at once; one that must load it
 * first waits seconds.
 */
public final class Residency {

    private final ConcurrentHashMap<String, Set<String>> loadedByNode = new ConcurrentHashMap<>();

    /** Replaces what {@code nodeUrl} has loaded, as its {@code /api/ps} listed it. */
    public void update(String nodeUrl, Set<String> models) {
        Set<String> normalised = ConcurrentHashMap.newKeySet();
        for (String m : models) {
            normalised.add(normalise(m));
        }
        loadedByNode.put(nodeUrl, normalised);
    }

    /** A successful answer from the node shows the model is loaded there now. */
    public void learned(String nodeUrl, String model) {
        loadedByNode.computeIfAbsent(nodeUrl, k -> ConcurrentHashMap.newKeySet()).add(normalise(model));
    }

    public void forget(String nodeUrl) {
        loadedByNode.remove(nodeUrl);
    }

    public boolean isLoaded(String nodeUrl, String model) {
        Set<String> loaded = loadedByNode.get(nodeUrl);
        return loaded != null && loaded.contains(normalise(model));
    }

    private static String normalise(String model) {
        return model.indexOf(':') < 0 ? model + ":latest" : model;
    }
}
