"""The project's own Rasa NLU components (named in config.yml as bot.nlp.components.NAME).

- BoundedSpacyTokenizer: Rasa's SpacyTokenizer, but the classifier reads at most `max_tokens`
  tokens. A pasted 100,000-character letter otherwise takes the classifier about a minute (its
  transformer is quadratic in length) and holds up every conversation on the server. The message
  itself is untouched: the whole text is kept in the conversation and in any case filed.
- MessageScreen: after the classifiers, marks an empty message, code or markup, or a message in
  another language with an intent of its own (bot.nlp.screen), so the assistant answers kindly
  instead of guessing.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp import screen

DEFAULT_MAX_TOKENS = 400


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BoundedSpacyTokenizer(SpacyTokenizer):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SpacyTokenizer.get_default_config(), "max_tokens": DEFAULT_MAX_TOKENS}

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        return super().tokenize(message, attribute)[: self._config["max_tokens"]]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MessageScreen(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MessageScreen":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            verdict = screen.screen(message.get(TEXT))
            if verdict is None:
                continue
            intent = {"name": verdict, "confidence": 1.0}
            ranking = [intent, *[row for row in message.get(INTENT_RANKING_KEY) or []
                                 if row.get("name") != verdict]]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

