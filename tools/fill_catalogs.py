"""Maintainer tool: create or update the .po catalogs from messages.pot and fill in the
translations below, then compile .mo. Run after changing UI strings:

    pybabel extract -F babel.cfg -k _l --no-location --omit-header -o src/faqkb/translations/messages.pot .
    python tools/fill_catalogs.py

Translators may instead edit the .po files directly; this table only seeds them (an
existing non-empty msgstr in a .po file wins over the table)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1] / "src" / "faqkb" / "translations"

# msgid → (zh_Hans, zh_Hant, ru)
T = {
    "Basics": ("基础知识", "基礎知識", "Основы"),
    # the way out (templates/_way_out.html)
    "Still stuck?": ("还是没解决？", "還是沒解決？", "Всё ещё нужна помощь?"),
    "Ask your operator through its official channels:": ("请通过运营商的官方渠道咨询：", "請透過電信業者的官方管道詢問：",
                                                          "Обратитесь к своему оператору через его официальные каналы:"),
    "Official site": ("官方网站", "官方網站", "Официальный сайт"),
    "Help and support": ("帮助与支持", "說明與支援", "Помощь и поддержка"),
    "Find a store": ("查找营业厅", "查找門市", "Найти салон связи"),
    "Official app": ("官方应用", "官方應用程式", "Официальное приложение"),
    "Never tell anyone a code from an SMS, and reach your operator only through its official site, app or store.": (
        "不要把短信验证码告诉任何人；只通过运营商的官方网站、官方应用或营业厅联系运营商。",
        "不要把簡訊驗證碼告訴任何人；只透過電信業者的官方網站、官方應用程式或門市聯絡業者。",
        "Никому не сообщайте код из СМС и связывайтесь с оператором только через его официальный сайт, "
        "приложение или салон связи."),
    "Search again": ("重新搜索", "重新搜尋", "Искать снова"),
    "Showing results for": ("以下是此搜索的结果：", "以下是此搜尋的結果：", "Показаны результаты для"),
    "search instead for": ("仍然搜索", "仍然搜尋", "искать вместо этого"),
    "Every entry on %(name)s": ("查看“%(name)s”的全部条目", "查看「%(name)s」的全部條目", "Все статьи раздела «%(name)s»"),
    "Costs and fees": ("费用", "費用", "Платежи и расходы"),
    "Security": ("账号安全", "帳號安全", "Безопасность"),
    "Refunds": ("退款", "退款", "Возврат денег"),
    "Scams": ("防诈骗", "防詐騙", "Мошенничество"),
    "How to cancel": ("如何注销", "如何註銷", "Как расторгнуть договор"),
    "Chinese": ("中文", "中文", "китайском"),
    "Russian": ("俄语", "俄語", "русском"),
    "English": ("英语", "英語", "английском"),
    "That search cannot be run": ("无法执行这次搜索", "無法執行這次搜尋", "Этот поиск выполнить нельзя"),
    "Page not found": ("找不到页面", "找不到頁面", "Страница не найдена"),
    "There is no page at this address.": ("这个地址没有页面。", "這個網址沒有頁面。", "По этому адресу ничего нет."),
    "Request refused": ("请求被拒绝", "請求被拒絕", "Запрос отклонён"),
    "Bad request": ("请求有误", "請求有誤", "Некорректный запрос"),
    "Request too large": ("请求过大", "請求過大", "Слишком большой запрос"),
    "Could not record your vote": ("未能记录您的投票", "未能記錄您的投票", "Не удалось учесть ваш голос"),
    "Your vote was not recorded because of a problem on our side. Please try again later.": (
        "由于我们这边的问题，您的投票没有被记录。请稍后再试。", "由於我們這邊的問題，您的投票沒有被記錄。請稍後再試。",
        "Ваш голос не учтён из-за проблемы на нашей стороне. Пожалуйста, попробуйте позже."),
    "Too many requests": ("请求过于频繁", "請求過於頻繁", "Слишком много запросов"),
    "You sent many requests in a short time. Please wait %(seconds)s seconds and try again.": (
        "您在短时间内发出了太多请求。请等 %(seconds)s 秒后再试。", "您在短時間內送出了太多請求。請等 %(seconds)s 秒後再試。",
        "Вы отправили слишком много запросов за короткое время. Подождите %(seconds)s с и попробуйте снова."),
    "The form sent too much data.": ("表单提交的数据太多。", "表單送出的資料太多。", "Форма отправила слишком много данных."),
    "only in %(lang)s": ("仅有%(lang)s版本", "僅有%(lang)s版本", "только на %(lang)s"),
    "Ask a question about your Russian SIM card": ("关于俄罗斯手机卡，您想问什么？", "關於俄羅斯手機卡，您想問什麼？",
                                                   "Задайте вопрос о вашей российской SIM-карте"),
    "e.g. how do I cancel my SIM?": ("例如：手机卡怎么注销？", "例如：手機卡怎麼註銷？", "например: как расторгнуть договор?"),
    "Search": ("搜索", "搜尋", "Найти"),
    "Found: %(num)s": ("找到 %(num)s 条", "找到 %(num)s 條", "Найдено: %(num)s"),
    "Nothing found yet. Try other words, or press Enter for tips.": (
        "暂时没有找到。换个说法试试，或按回车查看建议。", "暫時沒有找到。換個說法試試，或按 Enter 查看建議。",
        "Пока ничего не найдено. Попробуйте другие слова или нажмите Enter, чтобы увидеть советы."),
    "Search is not available right now; press Enter to search.": (
        "即时搜索暂不可用，请按回车搜索。", "即時搜尋暫不可用，請按 Enter 搜尋。",
        "Быстрый поиск сейчас недоступен; нажмите Enter, чтобы искать."),
    "SIM card help": ("俄罗斯手机卡问答", "俄羅斯手機卡問答", "Справка по SIM-картам"),
    "Skip to content": ("跳到正文", "跳到正文", "Перейти к содержимому"),
    "Language": ("语言", "語言", "Язык"),
    "Answers are checked by people against official sources; each page shows when it was last checked.": (
        "答案由人工对照官方来源核实；每页都注明最后核实日期。", "答案由人工對照官方來源核實；每頁都註明最後核實日期。",
        "Ответы сверяют с официальными источниками люди; на каждой странице указана дата последней проверки."),
    "JSON API": ("JSON 接口", "JSON 介面", "JSON API"),
    "Breadcrumb": ("当前位置", "目前位置", "Навигация"),
    "Home": ("首页", "首頁", "Главная"),
    "Other topics": ("其他主题", "其他主題", "Другие темы"),
    "Back to results": ("返回搜索结果", "返回搜尋結果", "Назад к результатам"),
    "This answer is only available in %(lang)s.": ("这个回答目前只有%(lang)s版本。", "這個回答目前只有%(lang)s版本。",
                                                   "Этот ответ есть только на %(lang)s языке."),
    "Last checked: %(date)s": ("最后核实：%(date)s", "最後核實：%(date)s", "Последняя проверка: %(date)s"),
    "Also in:": ("其他语言：", "其他語言：", "На других языках:"),
    "Thank you! Your answer helps us improve this page.": ("谢谢！您的反馈能帮助我们改进这个页面。",
                                                            "謝謝！您的回饋能幫助我們改進這個頁面。",
                                                            "Спасибо! Ваш ответ поможет улучшить эту страницу."),
    "Was this helpful?": ("这个回答有帮助吗？", "這個回答有幫助嗎？", "Этот ответ помог?"),
    "Yes": ("有帮助", "有幫助", "Да"),
    "No": ("没帮助", "沒幫助", "Нет"),
    "Related questions": ("相关问题", "相關問題", "Похожие вопросы"),
    "Back to the home page": ("返回首页", "返回首頁", "На главную"),
    "Cancelling or keeping a Russian SIM card": ("俄罗斯手机卡：注销还是保留？", "俄羅斯手機卡：註銷還是保留？",
                                                 "Российская SIM-карта: расторгнуть договор или сохранить номер"),
    "Type your question the way you would ask a friend, in Chinese, Russian or English.": (
        "像问朋友一样输入您的问题，中文、俄语、英语都可以。", "像問朋友一樣輸入您的問題，中文、俄語、英語都可以。",
        "Напишите вопрос так, как спросили бы знакомого: по-китайски, по-русски или по-английски."),
    "Topics": ("主题", "主題", "Темы"),
    "Most asked": ("常见问题", "常見問題", "Частые вопросы"),
    "Topic": ("主题", "主題", "Тема"),
    "All topics": ("全部主题", "全部主題", "Все темы"),
    "Did you mean:": ("您是不是要找：", "您是不是要找：", "Возможно, вы имели в виду:"),
    "Pages": ("页码", "頁碼", "Страницы"),
    "Previous": ("上一页", "上一頁", "Назад"),
    "Next": ("下一页", "下一頁", "Далее"),
    "No answer found for “%(q)s”": ("没有找到“%(q)s”的答案", "沒有找到「%(q)s」的答案", "По запросу «%(q)s» ответов нет"),
    "Use fewer or simpler words: “cancel SIM”, “余额 退款”, “расторгнуть договор”.": (
        "试试更少、更简单的词：“注销”、“余额 退款”、“cancel SIM”。", "試試更少、更簡單的詞：「註銷」、「餘額 退款」、「cancel SIM」。",
        "Используйте меньше слов или слова попроще: «расторгнуть договор», «вернуть баланс», «cancel SIM»."),
    "Try another language: every answer exists in Chinese, Russian and English.": (
        "也可以换一种语言搜索：每个回答都有中文、俄语和英语版本。", "也可以換一種語言搜尋：每個回答都有中文、俄語和英語版本。",
        "Попробуйте другой язык: каждый ответ есть на китайском, русском и английском."),
    "Answers for “%(q)s”": ("“%(q)s”的搜索结果", "「%(q)s」的搜尋結果", "Ответы по запросу «%(q)s»"),
    "Search all topics": ("在全部主题中搜索", "在全部主題中搜尋", "Искать во всех темах"),
    "We record questions that find nothing (without any personal data) so editors can add answers.": (
        "没有结果的问题会被记录下来（不含任何个人信息），以便编辑补充答案。",
        "沒有結果的問題會被記錄下來（不含任何個人資訊），以便編輯補充答案。",
        "Вопросы без ответа записываются (без каких-либо личных данных), чтобы редакторы добавили ответы."),
    "Browse by topic": ("按主题浏览", "按主題瀏覽", "Темы"),
    # Search from anywhere, answer first, sources, reasons (issue 11)
    "It didn't answer my question": ("没有回答我的问题", "沒有回答我的問題", "Не ответил на мой вопрос"),
    "It is out of date": ("内容过时了", "內容過時了", "Информация устарела"),
    "It is hard to understand": ("看不太懂", "看不太懂", "Трудно понять"),
    "It is not in my language": ("不是我的语言", "不是我的語言", "Не на моём языке"),
    "Topic: %(name)s": ("主题：%(name)s", "主題：%(name)s", "Тема: %(name)s"),
    "Search all topics instead of %(name)s": ("取消“%(name)s”限制，搜索全部主题", "取消「%(name)s」限制，搜尋全部主題",
                                              "Искать во всех темах, а не только в «%(name)s»"),
    "Short answer": ("简短回答", "簡短回答", "Коротко"),
    "More answers": ("更多回答", "更多回答", "Другие ответы"),
    "More answers for “%(q)s”": ("关于“%(q)s”的更多回答", "關於「%(q)s」的更多回答", "Ещё ответы на запрос «%(q)s»"),
    "We have no direct answer to that": ("这个问题我们还没有直接的回答", "這個問題我們還沒有直接的回答",
                                         "Прямого ответа на этот вопрос у нас нет"),
    "These entries are the closest we have to “%(q)s”:": ("下面是与“%(q)s”最接近的内容：", "下面是與「%(q)s」最接近的內容：",
                                                          "Вот что ближе всего к запросу «%(q)s»:"),
    "related": ("相关", "相關", "близкий ответ"),
    "See all results (%(num)s)": ("查看全部结果（%(num)s 条）", "查看全部結果（%(num)s 條）", "Все результаты (%(num)s)"),
    "e.g. cancel my SIM": ("例如：手机卡怎么注销", "例如：手機卡怎麼註銷", "например: закрыть номер"),
    "Press / to search": ("按 / 键即可搜索", "按 / 鍵即可搜尋", "Нажмите /, чтобы искать"),
    "Recent searches": ("最近搜索", "最近搜尋", "Недавние запросы"),
    "Clear recent searches": ("清除最近搜索", "清除最近搜尋", "Очистить недавние запросы"),
    "Answers are checked by people against official sources; each page shows when it was last checked and lists its sources.": (
        "答案由人工对照官方来源核实；每页都注明最后核实日期并列出来源。",
        "答案由人工對照官方來源核實；每頁都註明最後核實日期並列出來源。",
        "Ответы сверяют с официальными источниками люди; на каждой странице указаны дата последней проверки и источники."),
    "The search box above searches this topic only.": ("上方搜索框只在这个主题里搜索。", "上方搜尋框只在這個主題裡搜尋。",
                                                       "Поиск вверху страницы ищет только в этой теме."),
    "Sources": ("来源", "來源", "Источники"),
    "not verified: check with your operator": ("未经核实：请向运营商确认", "未經核實：請向電信業者確認",
                                               "не проверено: уточните у оператора"),
    "not an official source": ("非官方来源", "非官方來源", "неофициальный источник"),
    "Sorry about that. What was wrong?": ("抱歉。哪里不对？", "抱歉。哪裡不對？", "Жаль. Что было не так?"),
    "Skip": ("跳过", "略過", "Пропустить"),
    "We keep only your choice, never who you are.": ("我们只记录您的选择，不记录您是谁。", "我們只記錄您的選擇，不記錄您是誰。",
                                                     "Мы сохраняем только выбранный вариант и ничего о вас."),
    "Type your question in the search box above the way you would ask a friend, in Chinese, Russian or English.": (
        "在上方搜索框里像问朋友一样输入您的问题，中文、俄语、英语都可以。",
        "在上方搜尋框裡像問朋友一樣輸入您的問題，中文、俄語、英語都可以。",
        "Напишите вопрос в поиске вверху так, как спросили бы знакомого: по-китайски, по-русски или по-английски."),
    # Sharing an entry (web/public.py, static/share.js)
    "Link to this answer": ("本回答的链接", "本回答的連結", "Ссылка на этот ответ"),
    "Share": ("分享", "分享", "Поделиться"),
    "Copy link": ("复制链接", "複製連結", "Скопировать ссылку"),
    "Link copied": ("链接已复制", "連結已複製", "Ссылка скопирована"),
    # Answers in the query's language (web/pages.py answer_lang)
    "Answers in %(lang)s, the language of your question.": (
        "答案以%(lang)s显示，即您提问所用的语言。", "答案以%(lang)s顯示，即您提問所用的語言。",
        "Ответы на %(lang)s — на языке вашего вопроса."),
    "Show answers in %(lang)s": ("改用%(lang)s显示答案", "改用%(lang)s顯示答案", "Показать ответы на %(lang)s"),
    # The editor preview's banner (faqkb serve --watch)
    "Editor preview: the knowledge base has problems, so this site still shows the last version that worked. "
    "Fix these and save:": (
        "编辑预览：知识库有问题，本站仍在显示上一个可用的版本。请修正以下问题并保存：",
        "編輯預覽：知識庫有問題，本站仍在顯示上一個可用的版本。請修正以下問題並儲存：",
        "Предпросмотр для редактора: в базе знаний есть ошибки, поэтому сайт показывает последнюю рабочую "
        "версию. Исправьте их и сохраните файл:"),
    # Sources in the reader's language, and how old their reading is (issue 20)
    "published %(date)s": ("发布于 %(date)s", "發布於 %(date)s", "опубликовано %(date)s"),
    "undated": ("未注明日期", "未註明日期", "без даты"),
    "checked %(date)s": ("核实于 %(date)s", "核實於 %(date)s", "проверено %(date)s"),
    "not confirmed by any source: check with your operator": (
        "没有来源可以证实：请向运营商确认", "沒有來源可以證實：請向電信業者確認",
        "ни один источник этого не подтверждает: уточните у оператора"),
    "Last read more than %(days)s days ago: the page may have changed.": (
        "上次核实已超过 %(days)s 天，页面内容可能已有变化。", "上次核實已超過 %(days)s 天，頁面內容可能已有變化。",
        "Источник проверяли больше %(days)s дней назад: страница могла измениться."),
    # page errors in a reader's words (web/errors.py): no parameter names
    "There is no such page of results. Search again, or start from the first page.": (
        "没有这一页结果。请重新搜索，或从第一页看起。", "沒有這一頁結果。請重新搜尋，或從第一頁看起。",
        "Такой страницы результатов нет. Поищите снова или начните с первой страницы."),
    "That many results cannot be shown on one page. Search again.": (
        "一页显示不了这么多结果。请重新搜索。", "一頁顯示不了這麼多結果。請重新搜尋。",
        "Столько результатов на одной странице не показать. Поищите снова."),
    "Answers are not available in that language. Search again, or choose a language at the top.": (
        "没有这种语言的回答。请重新搜索，或在页面顶部选择语言。", "沒有這種語言的回答。請重新搜尋，或在頁面頂端選擇語言。",
        "Ответов на этом языке нет. Поищите снова или выберите язык вверху страницы."),
    "There is no such topic. Search again, or pick a topic on the home page.": (
        "没有这个主题。请重新搜索，或在首页选择主题。", "沒有這個主題。請重新搜尋，或在首頁選擇主題。",
        "Такой темы нет. Поищите снова или выберите тему на главной странице."),
    "That way of writing Chinese is not offered. Search again.": (
        "不提供这种中文书写方式。请重新搜索。", "不提供這種中文書寫方式。請重新搜尋。",
        "Такое написание китайских иероглифов не поддерживается. Поищите снова."),
    "Your question is too long. Please shorten it to %(n)s characters and search again.": (
        "您的问题太长了。请缩短到 %(n)s 个字以内，再搜索一次。", "您的問題太長了。請縮短到 %(n)s 個字以內，再搜尋一次。",
        "Вопрос слишком длинный. Сократите его до %(n)s символов и поищите снова."),
    "Type a question to search.": ("请输入问题再搜索。", "請輸入問題再搜尋。", "Введите вопрос, чтобы начать поиск."),
    "That search cannot be run. Please search again.": (
        "无法执行这次搜索。请重新搜索。", "無法執行這次搜尋。請重新搜尋。", "Этот поиск выполнить нельзя. Поищите снова."),
    "This form has expired or did not come from this site. Reload the page and try again.": (
        "这个表单已过期，或不是从本站提交的。请刷新页面后再试。", "這個表單已過期，或不是從本站送出的。請重新整理頁面後再試。",
        "Срок действия формы истёк, или она отправлена не с этого сайта. Обновите страницу и попробуйте снова."),
    "The site did not understand this address or form. Go back and try again.": (
        "本站无法识别这个地址或表单。请返回后再试。", "本站無法識別這個地址或表單。請返回後再試。",
        "Сайт не понял этот адрес или форму. Вернитесь назад и попробуйте снова."),
}
LOCALES = ("zh_Hans", "zh_Hant", "ru")


def main() -> None:
    with open(ROOT / "messages.pot", "rb") as f:
        template = read_po(f)
    for i, loc in enumerate(LOCALES):
        po_path = ROOT / loc / "LC_MESSAGES" / "messages.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        old = {}
        if po_path.exists():
            with open(po_path, "rb") as f:
                old = {m.id: m.string for m in read_po(f, locale=loc) if m.id}
        with open(ROOT / "messages.pot", "rb") as f:
            cat = read_po(f, locale=loc)
        cat.locale = loc
        cat.fuzzy = False
        for msg in cat:
            if not msg.id:
                continue
            msg.string = old.get(msg.id) or (T.get(msg.id, ("", "", ""))[i])
            msg.flags.discard("fuzzy")
        with open(po_path, "wb") as f:
            write_po(f, cat, omit_header=False, width=100, no_location=True)
        with open(po_path.with_suffix(".mo"), "wb") as f:
            write_mo(f, cat)
        missing = [m.id for m in cat if m.id and not m.string]
        print(f"{loc}: {len(cat)} messages, {len(missing)} untranslated", *missing, sep="\n  ")
    del template


if __name__ == "__main__":
    main()
