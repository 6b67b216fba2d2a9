package io.guardops.engine;

/**
 * A plugin as the engine sees it, for health output.
 *
 * @param id      the plugin id, or {@code null} when the file could not even be read
 * @param version the plugin's version, or {@code null}
 * @param state   PF4J's state ({@code STARTED}, {@code FAILED}, ...)
 * @param source  the file or directory it came from
 * @param error   why it failed, or {@code null}
 */
public record PluginStatus(String id, String version, String state, String source, String error) {}
