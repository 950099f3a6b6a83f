"""The project's own Rasa NLU components (named in config.yml as bot.nlp.components.NAME).

- BoundedSpacyTokenizer: Rasa's SpacyTokenizer, but the classifier reads at most `max_tokens`
  tokens. A pasted 100,000-character letter otherwise takes the classifier about a minute (its
  transformer is quadratic in length) and holds up every conversation on the server. The message
  itself is untouched: the whole text is kept in the conversation and in any case filed.
- LinearBlend: a second classifier of another family (logistic regression over tf-idf word and
  character n-grams of the raw text) blended with DIET's ranking. DIET alone over-reads a few
  strong words in long, chatty messages; the linear model weighs every phrase and is steadier on
  real residents' writing (figures in docs/classifier.md).
- MessageScreen: after the classifiers, marks an empty message, code or markup, or a message in
  another language with an intent of its own (bot.nlp.screen), so the assistant answers kindly
  instead of guessing.
"""
from __future__ import annotations

import logging
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
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp import screen

log = logging.getLogger(__name__)
DEFAULT_MAX_TOKENS = 400
RANKING_LENGTH = 10


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



@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearBlend(GraphComponent, IntentClassifier):
    """After DIET: confidence = (1 - weight) * DIET's + weight * the linear model's."""

    @classmethod
    def required_components(cls) -> List[type]:
        return []  # (placed after DIETClassifier in config.yml: it blends the ranking DIET set)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # weight and C were chosen on tests/nlu/tuning_real.yml only (docs/classifier.md).
        # C is high enough that the model fits its own training examples: at C 3 it read "I want
        # to make a complaint" (a training example) as a question about complaints.
        return {"weight": 0.6, "C": 30.0, "max_iter": 3000, "max_chars": 4000}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 pipeline: Any = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._pipeline = pipeline

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearBlend":
        return cls(config, model_storage, resource)

    def _new_pipeline(self) -> Any:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union
        from sklearn.feature_extraction.text import TfidfVectorizer

        features = make_union(
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2))
        return make_pipeline(features, LogisticRegression(
            C=self._config["C"], max_iter=self._config["max_iter"], class_weight="balanced",
            random_state=42))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if len({e.get(INTENT) for e in examples}) < 2:
            return self._resource
        self._pipeline = self._new_pipeline()
        self._pipeline.fit([self._text(e) for e in examples], [e.get(INTENT) for e in examples])
        import skops.io as sio

        with self._storage.write_to(self._resource) as directory:
            sio.dump(self._pipeline, directory / "linear_blend.skops")
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearBlend":
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / "linear_blend.skops"
                # Only scikit-learn's and numpy's own types: the file is this component's output.
                untrusted = sio.get_untrusted_types(file=path)
                unexpected = [t for t in untrusted if not t.startswith(("sklearn.", "numpy.", "scipy."))]
                if unexpected:
                    raise ValueError(f"unexpected types in the linear model: {unexpected}")
                return cls(config, model_storage, resource, sio.load(path, trusted=untrusted))
        except ValueError:
            log.warning("The linear intent model could not be loaded; DIET's ranking is used alone.")
            return cls(config, model_storage, resource)

    def _text(self, message: Message) -> str:
        return str(message.get(TEXT) or "")[: self._config["max_chars"]]

    def process(self, messages: List[Message]) -> List[Message]:
        if self._pipeline is None:
            return messages
        texts = [self._text(m) for m in messages]
        probabilities = self._pipeline.predict_proba(texts)
        names = list(self._pipeline.classes_)
        weight = float(self._config["weight"])
        for message, row, text in zip(messages, probabilities, texts):
            if not text.strip():
                continue
            diet = {r["name"]: float(r["confidence"]) for r in message.get(INTENT_RANKING_KEY) or []}
            linear = dict(zip(names, (float(p) for p in row)))
            blended = {name: (1 - weight) * diet.get(name, 0.0) + weight * linear.get(name, 0.0)
                       for name in set(diet) | set(linear)}
            ranking = [{"name": name, "confidence": confidence} for name, confidence in
                       sorted(blended.items(), key=lambda item: -item[1])[:RANKING_LENGTH]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
