package io.kerasregistry.storage;

/** How a download checks the bytes it sends against what was stored (docs/adr/0008). */
public enum DownloadVerification {
    /**
     * Every 1 MiB chunk against its CRC32C before any byte of it is sent: catches bit rot, truncation
     * and swapped files at memory speed, so downloads keep up with a plain file server.
     */
    CHUNKS,
    /**
     * Also a whole download against the SHA-256, whose last chunk is held back until the digest
     * matches: catches a deliberate forgery on the storage volume too, at the cost of hashing every
     * byte sent.
     */
    SHA256
}
