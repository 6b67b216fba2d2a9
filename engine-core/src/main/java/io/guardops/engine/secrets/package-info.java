/** Encryption of secrets at rest (provider API keys of registered models). Internal: not API. */
package io.guardops.engine.secrets;
