/**
 * Detection and masking of personal data and secrets in text and spans: e-mail addresses, phone
 * numbers, credit card numbers (Luhn-checked), IBANs (checksum-checked), IP addresses, API keys and
 * tokens by their known formats, private key blocks, JWTs and, optionally, person names (a small
 * heuristic). Internal: not API.
 */
package io.guardops.engine.pii;
