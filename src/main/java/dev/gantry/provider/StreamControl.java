package dev.gantry.provider;

/** Flow control over an upstream response, so a slow client slows the upstream read instead of growing a buffer. */
public interface StreamControl {

    void pause();

    void resume();
}
