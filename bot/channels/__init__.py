"""Where residents reach the assistant: Rasa input channels of our own.

- `webchat.WebChatInput`: Rasa's socket.io channel (channel name "socketio") made safe for a
  landlord's website, plus the chat widget (`/webhooks/webchat/widget.js`) and a demo page
  (`/webhooks/webchat/demo`) served by the Rasa server itself.
- `facebook.FacebookInput`: Facebook Messenger (channel name "facebook"), with signed webhooks
  (`X-Hub-Signature-256`), whole batches, quick replies and a configurable Graph API address.
- `rest.RestInput`: Rasa's REST channel (channel name "rest") with input checks and limits.
- `limits`: the size and rate limits every channel applies.

All three channels are named in `credentials.yml`. They install nothing in Rasa: the server is
started by `python -m bot.rasa run`, which installs the project's adaptations of Rasa first
(`bot.rasa.install()`: a plain reply when the action server cannot be reached, faster checks of
its answers, ...); a channel loaded by a Rasa server started otherwise refuses to start, with one
line (`bot.rasa.require_installed`). The channel name is stored with every user message, so
`tracker.get_latest_input_channel()` tells the conversation layer where a case came from.
"""
