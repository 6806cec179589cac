from front_client import FrontClient


def run(base_url: str, pdf: str) -> None:  # token from FRONT_API_TOKEN
    with FrontClient(base_url=base_url) as front:
        for conversation in front.conversations.list(limit=100):
            print(conversation.id, conversation.subject)
        conversation = front.conversations.get("cnv_1")
        front.conversations.update(conversation.id, status="archived")
        front.conversations.update_assignee(conversation.id, assignee_id="tea_1")
        front.messages.create_reply(conversation.id, body="Here it is", attachments=[pdf])
        front.conversations.add_tag(conversation.id, tag_ids=["tag_1"])
