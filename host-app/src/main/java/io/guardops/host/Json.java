package io.guardops.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.guardops.engine.EngineException;
import java.io.IOException;

/** The host's one JSON mapper and the body parsing every route shares. */
final class Json {
  final ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /**
   * A request body that must be a JSON object.
   *
   * @throws EngineException BAD_REQUEST when it is not valid JSON or not an object
   */
  JsonNode object(byte[] body) {
    try {
      JsonNode n = mapper.readTree(body);
      if (n == null || !n.isObject()) {
        throw EngineException.badRequest("the body must be a JSON object");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw EngineException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw EngineException.badRequest("the body could not be read: " + e.getMessage());
    }
  }
}
