from front_client import AsyncFrontClient


async def run(base_url: str, pdf: str) -> None:  # token from FRONT_API_TOKEN
    async with AsyncFrontClient(base_url=base_url) as front:
        async for conversation in front.conversations.list(limit=100):
            print(conversation.id, conversation.subject)
        conversation = await front.conversations.get("cnv_1")
        await front.conversations.update(conversation.id, status="archived")
        await front.conversations.update_assignee(conversation.id, assignee_id="tea_1")
        await front.messages.create_reply(conversation.id, body="Here it is", attachments=[pdf])
        await front.conversations.add_tag(conversation.id, tag_ids=["tag_1"])
